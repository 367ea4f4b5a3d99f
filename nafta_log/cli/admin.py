"""Commands about the log itself: check, init."""


from pathlib import Path
from typing import Annotated

import typer

from nafta_log import check as checks
from nafta_log import store
from nafta_log.cli.common import LogOption, open_index, print_problems, root_of, warning
from nafta_log.errors import NaftaLogError, Problem
from nafta_log.safe import visible


def check(log: LogOption = None) -> None:
    """Check the whole log: one `path:line:col: message` line per problem; exit 1 if any.

    Finds parse errors, missing or mistyped fields, unknown stakeholder or topic ids, duplicate ids,
    ends before starts, impossible dates, and duplicate meetings (same date, same participants, similar
    title: the same meeting added by two people).

    Example:

      nafta-log check
    """
    ix = open_index(log, warn=False)
    for stale in ix.verify():
        warning(f"{stale}")
    problems = sorted(ix.problems() + checks.run_checks(ix.full_log()), key=Problem.sort_key)
    print_problems(problems)
    if problems:
        raise typer.Exit(1)


def reindex(log: LogOption = None) -> None:
    """Rebuild the log's index (.nafta-log/) from its files; nothing else changes.

    The index is a cache brought up to date before every command, so this is never needed for correct
    answers; it is there to recover disk space or after a filesystem that does not keep change times.

    Example:

      nafta-log reindex
    """
    import sys
    from nafta_log import index
    from nafta_log.render_progress import progress_callback
    update, stop = progress_callback(sys.stderr, "Indexing the log")
    try:
        ix = index.rebuild(root_of(log), update)
    finally:
        stop()
    count = ix.con.execute("SELECT count(*) FROM files").fetchone()[0]
    print(f"Indexed {count} files in {ix.root}")


def sample_folder() -> Path:
    """The sample log: packaged in the wheel, or `data/` beside the package in a checkout."""
    packaged = Path(__file__).resolve().parent.parent / "_sample"
    if (packaged / store.MARKER).is_file():
        return packaged
    checkout = Path(__file__).resolve().parent.parent.parent / "data"
    if (checkout / store.MARKER).is_file():
        return checkout
    raise NaftaLogError("the sample log is missing from this installation; reinstall nafta-log")


def init(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="A new or empty folder.")],
    sample: Annotated[bool, typer.Option("--sample", help="Start from a copy of the NAFTA sample log.")] = False,
    git: Annotated[bool, typer.Option("--git", help="Make the log a git repository, with a first commit.")] = False,
) -> None:
    """Make a new log in DIR: empty, or a copy of the NAFTA sample log; with --git, a git repository too.

    Examples:

      nafta-log init ~/trade-log

      nafta-log init ~/nafta --sample --git
    """
    from nafta_log import gitlog
    if git:
        gitlog.git_executable()
    store.init_log(folder, name=folder.resolve().name, sample=sample_folder() if sample else None)
    print(f"Made a new log in {folder}" + (" (from the NAFTA sample)" if sample else ""))
    if git:
        first = gitlog.init_repo(folder)
        print(f"  a git repository, first commit {first.short}: {visible(first.message)}")
        print(f"  share it: git -C {folder} remote add origin URL && nafta-log sync --log {folder}")
    print(f"  next: cd {folder} && nafta-log add person NAME")
