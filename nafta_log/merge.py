"""Joining two stakeholders that are one: every reference to B becomes A, and B's names stay as A's aliases."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from nafta_log import records, store, tomltext
from nafta_log.errors import NaftaLogError, UsageError
from nafta_log.actions import merge_roles
from nafta_log.names import fold, resolve


class Merged(NamedTuple):
    """What a merge changed: the kept stakeholder's id, the removed one's, and how many records were rewritten."""

    kept: str
    removed: str
    meetings: int
    stakeholders: int


def merge(root: Path, keep: str, drop: str, *, dry_run: bool = False) -> Merged:
    """Merge stakeholder `drop` into `keep` under the lock: rewrite meetings and roles, keep names, delete `drop`.

    A is written first (with B's names as aliases), then the records that named B, and B's file is removed
    last; a crash in between leaves B in place, and running the same merge again finishes it.
    """
    with store.locked(root):
        result = store.load(root)
        if result.problems:
            raise NaftaLogError(f"{result.broken_files()[0]}: a broken file may name the stakeholders to merge; "
                                "fix it first (`nafta-log check`), nothing was changed")
        log = result.log
        a = resolve(log.stakeholders, keep)
        b = resolve(log.stakeholders, drop)
        if a.id == b.id:
            raise UsageError(f"{keep!r} and {drop!r} are the same stakeholder ({a.id}); nothing to merge")
        if a.kind != b.kind:
            raise NaftaLogError(f"cannot merge {a.name} ({a.kind}) with {b.name} ({b.kind}): only stakeholders "
                                "of one kind can be merged; nothing was changed")
        names = {fold(n) for n in (a.name, *a.aliases)}
        aliases = a.aliases + tuple(n for n in dict.fromkeys((b.name, *b.aliases)) if fold(n) not in names)
        b_roles = tuple(r._replace(organization=a.id) if r.organization == b.id else r for r in b.roles)
        kept = a._replace(aliases=aliases, roles=merge_roles(a.roles, b_roles), country=a.country or b.country,
                          description=a.description or b.description)
        files: list[tuple[Path, str]] = [(_path(root, kept), tomltext.dumps(records.stakeholder_to_table(kept)))]
        meetings = 0
        for m in log.meetings.values():
            if b.id in m.participants:
                ids = tuple(dict.fromkeys(a.id if p == b.id else p for p in m.participants))
                files.append((_path(root, m), tomltext.dumps(records.meeting_to_table(m._replace(participants=ids)))))
                meetings += 1
        others = 0
        for s in log.stakeholders.values():
            if s.id not in (a.id, b.id) and any(r.organization == b.id for r in s.roles):
                roles = tuple(r._replace(organization=a.id) if r.organization == b.id else r for r in s.roles)
                files.append((_path(root, s), tomltext.dumps(records.stakeholder_to_table(s._replace(roles=roles)))))
                others += 1
        if not dry_run:
            store.write_batch(files, overwrite=True)
            store.remove_file(_path(root, b))
        return Merged(a.id, b.id, meetings, others)


def _path(root: Path, record: object) -> Path:
    """The file a loaded record came from."""
    origin = getattr(record, "origin", None)
    if origin is None:
        raise NaftaLogError("a record to rewrite has no file; reload the log and try again")
    return root / origin.path
