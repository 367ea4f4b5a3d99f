"""What every command shares: options, finding and loading the log, today's date, output."""


import datetime as dt
import enum
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from nafta_log import store
from nafta_log.errors import DateError, Problem, UsageError
from nafta_log.safe import visible

LogOption = Annotated[Optional[str], typer.Option(
    "--log", metavar="DIR", help="The log folder (default: $NAFTA_LOG, else the nearest one upward).",
    show_default=False)]


class Format(str, enum.Enum):
    """Output formats of listing commands."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


CommitOption = Annotated[bool, typer.Option(
    "--commit", help="Commit the change to git with a message in words (always, when nafta-log.toml sets "
                     "[settings] auto_commit = true).")]

FormatOption = Annotated[Format, typer.Option("--format", "-f", help="table (default), json, csv or markdown.",
                                              case_sensitive=False)]


def today() -> dt.date:
    """Today's date, or $NAFTA_LOG_TODAY (YYYY-MM-DD) for tests and reproducible examples."""
    fixed = os.environ.get("NAFTA_LOG_TODAY")
    if fixed:
        try:
            return dt.date.fromisoformat(fixed.strip())
        except ValueError:
            raise UsageError(f"$NAFTA_LOG_TODAY={visible(fixed)!r} is not a date in the form YYYY-MM-DD") from None
    return dt.date.today()


def root_of(log: str | None) -> Path:
    """The root folder of the log to use."""
    return store.find_root(log, os.environ, Path.cwd())


def open_index(log: str | None, *, meetings: bool = True, warn: bool = True) -> Any:
    """The log's index, brought up to date (only stakeholders and topics when `meetings` is False)."""
    from nafta_log.index import Index, start_scan, take_scan
    root = root_of(log)
    scan = take_scan(root, meetings) or start_scan(root, meetings)
    from nafta_log.render_progress import progress_callback
    update, stop = progress_callback(sys.stderr, "Indexing the log")
    try:
        ix = Index.open(root, scan, update)
    finally:
        stop()
    if warn:
        seen: set[str] = set()
        for problem in ix.problems():
            if problem.path not in seen and (meetings or not problem.path.startswith("meetings/")):
                seen.add(problem.path)
                warning(f"{problem} (skipped; run `nafta-log check` for details)")
    return ix


def load(log: str | None, *, warn: bool = True) -> store.LoadResult:
    """Find and load the log; each broken file gets one warning line on stderr and is skipped."""
    result = store.load(root_of(log))
    if warn:
        for problem in result.broken_files():
            warning(f"{problem} (skipped; run `nafta-log check` for details)")
    return result


def warning(message: str) -> None:
    """One safe warning line on stderr."""
    print(f"warning: {visible(message)}", file=sys.stderr)


def print_problems(problems: list[Problem]) -> None:
    """One `path:line:col: message` line per problem on stdout."""
    for p in problems:
        print(visible(str(p)))


def out(renderable: Any) -> None:
    """Print a Sheet or a Rich renderable to stdout (plain when piped or with NO_COLOR)."""
    from nafta_log.render_sheet import print_to
    print_to(sys.stdout, renderable)


def emit(fmt: Format, table: Callable[[], Any], data: Callable[[], Any], csv_rows: Callable[[], tuple[list, tuple]]) -> None:
    """Print in the chosen format: a Rich table, JSON, CSV or a Markdown table (the CSV's columns); JSON, CSV and
    Markdown print nothing else."""
    from nafta_log import serialize
    if fmt is Format.json:
        sys.stdout.write(serialize.to_json(data()) + "\n")
    elif fmt is Format.csv:
        rows, columns = csv_rows()
        sys.stdout.write(serialize.to_csv(rows, columns))
    elif fmt is Format.markdown:
        rows, columns = csv_rows()
        sys.stdout.write(serialize.to_markdown(rows, columns))
    else:
        out(table())


def parse_date_option(value: str | None, flag: str, date_order: str | None) -> Any:
    """A typed date option as a PartialDate, with the flag named in the error."""
    if value is None:
        return None
    from nafta_log.dates import parse_date
    try:
        return parse_date(value, today(), date_order)
    except DateError as exc:
        raise UsageError(f"{flag}: {exc}") from None


def is_interactive() -> bool:
    """True when a person can answer prompts (stdin and stdout are terminals)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def print_commit(done: Any) -> None:
    """Say which commit recorded a change (`gitlog.Commit`), if one was made."""
    if done is not None:
        print(f"Committed {done.short}: {visible(done.message)}")
