"""Exception types and the Problem record: every record error carries its file and line."""


from typing import NamedTuple


class Problem(NamedTuple):
    """One thing wrong with one file, printed as `path:line:col: message`."""

    path: str
    line: int | None
    col: int | None
    message: str

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order by file, then line and column (unknown first), then message."""
        return (self.path, self.line or 0, self.col or 0, self.message)

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        return f"{where}: {self.message}"


class NaftaLogError(Exception):
    """Base of every error the library raises on purpose; its text is shown to the user as is."""

    exit_code = 1


class UsageError(NaftaLogError):
    """The command line itself was wrong (a flag value that cannot be used): exit code 2."""

    exit_code = 2


class LogNotFound(NaftaLogError):
    """No log folder was given or found upward from the current folder."""


class RecordError(NaftaLogError):
    """A record on disk is broken; carries the problems found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class DateError(NaftaLogError):
    """A typed date or time could not be understood, or is not a real date."""


class UnknownName(NaftaLogError):
    """A typed stakeholder or topic name matched no record."""

    def __init__(self, message: str, suggestions: tuple[str, ...] = ()) -> None:
        self.suggestions = suggestions
        super().__init__(message)


class AmbiguousName(NaftaLogError):
    """A typed stakeholder or topic name matched more than one record."""

    def __init__(self, message: str, candidates: tuple[str, ...] = ()) -> None:
        self.candidates = candidates
        super().__init__(message)


class ConflictError(NaftaLogError):
    """A write would overwrite another record, or the file changed underneath."""


class LockTimeout(NaftaLogError):
    """Another nafta-log process holds the log's lock for too long."""


class InvalidEdit(NaftaLogError):
    """An edited record would be broken or would break the log; carries the problems, nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"the edit was not saved; it would leave {len(problems)} problem(s):\n{lines}")
