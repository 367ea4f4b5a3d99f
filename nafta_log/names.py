"""Typed names -> record ids: ids, full names, aliases and surnames, ignoring case and accents."""

from __future__ import annotations

import unicodedata
from typing import Iterable, Mapping, TypeVar

from nafta_log.errors import AmbiguousName, NaftaLogError, UnknownName, UsageError
from nafta_log.ids import slugify
from nafta_log.model import Log, Meeting, Stakeholder, Topic

R = TypeVar("R", Stakeholder, Topic)


def fold(text: str) -> str:
    """Text reduced for matching: accents removed, case folded, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def _names(record: Stakeholder | Topic) -> list[str]:
    return [record.name, *record.aliases]


def _surname(record: Stakeholder | Topic) -> str | None:
    if isinstance(record, Stakeholder) and record.kind == "person":
        parts = record.name.split()
        if len(parts) > 1:
            return fold(parts[-1])
    return None


def resolve(records: Mapping[str, R], text: str, what: str = "stakeholder") -> R:
    """The one record `text` names; raise UnknownName (with close names) or AmbiguousName (with candidates)."""
    typed = text.strip()
    if not typed:
        raise UnknownName(f"empty {what} name")
    if typed in records:
        return records[typed]
    key = fold(typed)
    slug = slugify(typed)
    stages: list[Iterable[R]] = [
        (r for r in records.values() if key == fold(r.name) or slug == r.id),
        (r for r in records.values() if key in (fold(a) for a in r.aliases) or _surname(r) == key),
        (r for r in records.values() if r.id.startswith(slug) and len(slug) >= 2),
    ]
    for stage in stages:
        found = list({r.id: r for r in stage}.values())
        if len(found) == 1:
            return found[0]
        if found:
            listed = ", ".join(f"{r.name} ({r.id})" for r in sorted(found, key=lambda r: r.id)[:10])
            raise AmbiguousName(f"{typed!r} matches {len(found)} {what}s: {listed}; give the full name or the id",
                                tuple(r.id for r in found))
    raise UnknownName(_unknown_message(records, typed, key, what), tuple(suggest(records, key)))


def suggest(records: Mapping[str, R], key: str, n: int = 3) -> list[str]:
    """Names of the records closest to the folded text `key`."""
    by_name: dict[str, str] = {}
    for r in records.values():
        for name in [*_names(r), r.id, *(filter(None, [_surname(r)]))]:
            by_name.setdefault(fold(name), r.name)
    import difflib
    close = difflib.get_close_matches(key, list(by_name), n=n * 2, cutoff=0.6)
    out: list[str] = []
    for c in close:
        if by_name[c] not in out:
            out.append(by_name[c])
    return out[:n]


def _unknown_message(records: Mapping[str, R], typed: str, key: str, what: str) -> str:
    close = suggest(records, key)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    add = "person NAME` or `add organization NAME" if what == "stakeholder" else "topic NAME"
    return f"no {what} matches {typed!r}{hint} (add one with `nafta-log add {add}`)"


def resolve_kind(stakeholders: Mapping[str, Stakeholder], text: str, kind: str) -> Stakeholder:
    """The one stakeholder `text` names, which must be a `kind` ("person" or "organization")."""
    s = resolve(stakeholders, text)
    if s.kind != kind:
        raise UsageError(f"{s.name!r} is {'an' if s.kind == 'organization' else 'a'} {s.kind}, not "
                         f"{'an' if kind == 'organization' else 'a'} {kind}; use `{s.kind}`")
    return s


def find_meeting(log: Log, prefix: str) -> Meeting:
    """The one meeting whose id is `prefix` or starts with it; raise if none or several."""
    typed = prefix.strip()
    if typed in log.meetings:
        return log.meetings[typed]
    found = [m for mid, m in sorted(log.meetings.items()) if typed and mid.startswith(typed)]
    if not found:
        raise NaftaLogError(f"no meeting id starts with {typed!r}; list ids with `nafta-log meetings --format csv`")
    if len(found) > 1:
        listed = ", ".join(m.id for m in found[:10]) + (" ..." if len(found) > 10 else "")
        raise AmbiguousName(f"{typed!r} matches {len(found)} meetings: {listed}; type more of the id")
    return found[0]
