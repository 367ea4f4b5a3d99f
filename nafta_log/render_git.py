"""A team log's git views in words: a held sync's conflicts side by side, a record's history, the log's changes."""

from __future__ import annotations

from typing import Sequence

from rich.table import Table
from rich.text import Text

from nafta_log.githistory import ChangeRow, HistoryEntry
from nafta_log.gitsync import Conflict
from nafta_log.render import house_table, t
from nafta_log.safe import visible


def conflict_lines(conflicts: Sequence[Conflict], choices: bool = True) -> list[str]:
    """Each record changed on both sides, field by field (`summary — yours: ... / theirs: ...`), then the choices."""
    n = len(conflicts)
    out = [f"Stopped before pushing: you and the team both changed {n} record{'s' if n > 1 else ''}.",
           "Nothing was pushed, and your log is as it was before the sync (your commits are kept).", ""]
    for c in conflicts:
        out.append(f"{c.kind} {visible(c.rid)}" + (f": {visible(c.label)}" if c.label else "")
                   + f" ({visible(c.path)})")
        out.append(f"  yours: {_side(c.mine.text, c.mine.author, c.mine.date)}; "
                   f"theirs: {_side(c.theirs.text, c.theirs.author, c.theirs.date)}")
        for f in c.changes:
            yours = "(removed the record)" if c.mine.text is None else _value(f.old)
            theirs = "(removed the record)" if c.theirs.text is None else _value(f.new)
            out.append(f"  {visible(f.field)} — yours: {yours} / theirs: {theirs}")
        if c.kind == "file":
            out.append("  not a record: compare the two versions with `git diff`")
        elif not c.changes and c.mine.text is not None and c.theirs.text is not None:
            out.append("  the two versions hold the same values, written differently")
        out.append("")
    if not choices:
        return out[:-1]
    out += ["Choose what to keep:",
            "  nafta-log sync --keep mine     your version of each record above",
            "  nafta-log sync --keep theirs   the team's version",
            "  nafta-log sync --edit          write a merge of the two in your editor ($EDITOR)"]
    return out


def _side(text: str | None, author: str, date: str) -> str:
    what = "removed it" if text is None else "changed it"
    return f"{what} ({visible(author)}{', ' + date if date else ''})"


def _value(value: str | None) -> str:
    return "(none)" if value is None else f'"{visible(value)}"'


def history_table(entries: Sequence[HistoryEntry]) -> Table:
    """The versions of one record, newest first: date, author, commit, and what changed field by field."""
    table = house_table("date", "author", "commit", "what changed")
    for e in entries:
        what = Text(e.action)
        for c in e.changes:
            if e.action == "removed":
                break
            what.append(f"\n{visible(c.field)}: ")
            what.append(_value(c.new) if e.action == "added" else f"{_value(c.old)} → {_value(c.new)}")
        table.add_row(Text(e.date[:16].replace("T", " ")), t(e.author), Text(e.sha[:7]), what)
    return table


def changes_table(rows: Sequence[ChangeRow]) -> Table:
    """Records added, edited, renamed and removed: one a row, with the fields changed and who changed them."""
    table = house_table("change", "kind", "id", "title or name", "fields", "by")
    for r in rows:
        table.add_row(Text(r.action), Text(r.kind), t(r.rid), t(r.label), t(", ".join(r.fields)),
                      t(", ".join(r.authors)))
    return table
