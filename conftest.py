"""Fixtures shared by every test folder: the embedded servers come from jobtrail.stack."""

pytest_plugins = ["jobtrail.stack.pytest_plugin"]
