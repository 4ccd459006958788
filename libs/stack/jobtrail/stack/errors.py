"""The one error the embedded stack raises."""


class StackError(RuntimeError):
    """A server of the embedded stack could not be started, reached or stopped."""
