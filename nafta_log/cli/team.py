"""The team commands over git: sync, history, changes."""


import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from nafta_log.cli.common import (Format, FormatOption, LogOption, emit, is_interactive, open_index, print_problems,
                                  root_of, today)
from nafta_log.errors import NaftaLogError, UsageError
from nafta_log.safe import visible

if TYPE_CHECKING:
    from nafta_log.gitsync import Conflict, Held, Resolution, SyncReport


def sync(
    keep: Annotated[Optional[str], typer.Option("--keep", metavar="mine|theirs",
                    help="After a stopped sync: keep your version (mine) or the team's (theirs) of each record.")] = None,
    edit: Annotated[bool, typer.Option("--edit", help="After a stopped sync: write a merge of the two versions "
                                                     "of each record in $EDITOR.")] = False,
    log: LogOption = None,
) -> None:
    """Share the log with the team: commit your changes, merge the team's, check, push.

    When you and the team changed the same record, nothing is pushed: the two versions are shown field by
    field and you choose (on a terminal you are asked; otherwise run it again with --keep or --edit).

    Examples:

      nafta-log sync

      nafta-log sync --keep theirs

      EDITOR=nano nafta-log sync --edit
    """
    from nafta_log import gitsync
    if keep not in (None, "mine", "theirs"):
        raise UsageError(f"--keep must be mine or theirs, not {visible(keep)!r}")
    if keep and edit:
        raise UsageError("give --keep or --edit, not both")
    root = root_of(log)
    resolutions: dict[str, gitsync.Resolution] = {}
    if keep or edit:
        from nafta_log import gitlog
        gitlog.repo_top(root)
        for held in gitsync.held_conflicts(root):
            resolutions[held.path] = gitsync.Resolution("merge", _edited(root, held)) if edit else gitsync.Resolution(keep or "")
    report = gitsync.sync(root, resolutions)
    if report.conflicts and not resolutions and is_interactive():
        from nafta_log import render_git
        _show(report._replace(conflicts=()), finished=False)
        print("\n".join(render_git.conflict_lines(report.conflicts, choices=False)))
        resolutions = {c.path: _ask(root, c) for c in report.conflicts}
        report = gitsync.sync(root, resolutions)
    _show(report)


def _edited(root: Path, held: "Held") -> str:
    """The merged text of one held record, written by the user in $VISUAL or $EDITOR (vi on a terminal)."""
    import shlex
    import subprocess
    from nafta_log import gitsync, store
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or ("vi" if is_interactive() else "")
    if not editor:
        raise UsageError("--edit needs an editor: set $EDITOR (or run it on a terminal), or use --keep mine|theirs")
    draft = root / store.CACHE / f"merge-{held.path.rsplit('/', 1)[-1]}"
    store.write_file(draft, gitsync.draft(held.path, held.mine, held.theirs), overwrite=True)
    try:
        done = subprocess.run([*shlex.split(editor), str(draft)]).returncode
    except OSError as exc:
        raise NaftaLogError(f"cannot start the editor {editor!r}: {exc.strerror}; set $EDITOR") from None
    if done != 0:
        raise NaftaLogError(f"the editor exited with status {done}; nothing was pushed (your draft is in {draft})")
    merged = gitsync.undraft(held.path, draft.read_text("utf-8", "replace"))
    draft.unlink()
    return merged


def _ask(root: Path, conflict: "Conflict") -> "Resolution":
    """Ask on the terminal what to keep of one record."""
    from nafta_log import gitsync
    from nafta_log.gitsync import Held
    answer = ""
    while answer not in ("m", "t", "e", "s"):
        answer = typer.prompt(f"{conflict.rid}: keep (m)ine, (t)heirs, (e)dit a merge, or (s)top?").strip().lower()[:1]
    if answer == "s":
        raise NaftaLogError("stopped; nothing was pushed: run `nafta-log sync` again to choose")
    if answer == "e":
        return gitsync.Resolution("merge", _edited(root, Held(conflict.path, conflict.mine.text, conflict.theirs.text)))
    return gitsync.Resolution("mine" if answer == "m" else "theirs")


def _show(report: "SyncReport", finished: bool = True) -> None:
    """Say what a sync did; a stop (conflicts or check problems) ends in one Error line and exit 1."""
    from nafta_log import render_git
    if report.committed:
        print(f"Committed {report.committed.short}: {visible(report.committed.message.splitlines()[0])}")
    if report.incoming and finished and not report.conflicts:
        print(f"Merged {report.incoming} commit{'s' if report.incoming > 1 else ''} from {visible(report.remote)}")
    for note in report.notes:
        print(f"  {visible(note)}")
    if report.conflicts:
        print("\n".join(render_git.conflict_lines(report.conflicts)))
        raise NaftaLogError("sync stopped before pushing: the same record was changed on both sides; choose "
                            "with `nafta-log sync --keep mine`, `--keep theirs` or `--edit`")
    if report.problems:
        print_problems(list(report.problems))
        raise NaftaLogError(f"the merged log has {len(report.problems)} problem(s), listed above; nothing was "
                            "pushed: fix them, then run `nafta-log sync` again")
    if report.pushed:
        print(f"Pushed to {visible(report.remote)}; check passed")


def history(
    record: Annotated[str, typer.Argument(metavar="ID|NAME", help="A meeting id (a unique prefix is enough) or a "
                                                                  "stakeholder's id, name, alias or surname.")],
    fmt: FormatOption = Format.table,
    log: LogOption = None,
) -> None:
    """The versions of one record, newest first: date, author, and what changed, field by field.

    Examples:

      nafta-log history 2017-12-14-dias-ross

      nafta-log history Dias --format json
    """
    from nafta_log import githistory, iquery, render_git, serialize, store
    from nafta_log.errors import UnknownName
    ix = open_index(log)
    root = ix.root
    if record.strip() and ix.meeting_ids(record.strip()):
        m = iquery.find_meeting(ix, record)
        path = m.origin.path if m.origin else store.meeting_path(root, m).relative_to(root).as_posix()
    else:
        try:
            path = store.stakeholder_path(root, iquery.resolve_stakeholder(ix, record).id).relative_to(root).as_posix()
        except UnknownName:
            gone = githistory.removed_path(root, record.strip())
            if gone is None:
                raise
            path = gone
    entries = githistory.history(root, path)
    if not entries and fmt is Format.table:
        print(f"{visible(path)} has no committed versions yet (commit it with `nafta-log sync` or --commit)")
        return
    emit(fmt, lambda: render_git.history_table(entries), lambda: [serialize.history_dict(e) for e in entries],
         lambda: (serialize.history_csv_rows(entries), serialize.HISTORY_CSV))


def changes(
    since: Annotated[str, typer.Option("--since", metavar="DATE|REV",
                     help="A date (2017-12-01, 'last monday', '7 days ago') or a git revision (tag, commit).")],
    fmt: FormatOption = Format.table,
    log: LogOption = None,
) -> None:
    """Meetings, stakeholders and topics added, edited, renamed and removed since DATE or REV (committed work).

    Examples:

      nafta-log changes --since "7 days ago"

      nafta-log changes --since v1.0 --format csv
    """
    from nafta_log import githistory, render_git, serialize, store
    root = root_of(log)
    settings, _ = store.load_settings(root)
    base = githistory.since_base(root, since, today(), settings.date_order)
    rows = githistory.changes(root, base)
    emit(fmt, lambda: render_git.changes_table(rows), lambda: [serialize.change_dict(r) for r in rows],
         lambda: ([serialize.change_csv_row(r) for r in rows], serialize.CHANGES_CSV))
