"""Quality figures (`make eval`): parsing and matching against labelled data, beside baselines.

Each suite is a module with `run(quick: bool) -> str`, returning a Markdown section. Suites
never start servers: they call the pure parsing and ranking code the services run.
"""
