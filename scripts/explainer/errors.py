"""The one exception the CLI turns into a one-line message and exit status 1."""


class ExplainerError(Exception):
    """Bad input or an unsafe situation: report it, change nothing."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        where = path or ""
        if path and line:
            where = f"{path}:{line}"
        super().__init__(f"{where}: {message}" if where else message)
