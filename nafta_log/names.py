"""Typed names -> record ids: ids, full names, aliases and surnames, ignoring case and accents."""

from __future__ import annotations

import unicodedata
from typing import Callable, Iterable, Mapping, TypeVar

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


def keys(record: Stakeholder | Topic) -> list[tuple[int, str]]:
    """The (stage, key) pairs a record is found by: 1 = id or full name, 2 = alias or surname."""
    out = [(1, record.id), (1, fold(record.name))]
    out += [(2, fold(a)) for a in record.aliases]
    surname = _surname(record)
    if surname:
        out.append((2, surname))
    return out


def typed_keys(text: str) -> tuple[str, str]:
    """The folded text and the slug a typed name is matched by."""
    return fold(text), slugify(text)


def resolve(records: Mapping[str, R], text: str, what: str = "stakeholder") -> R:
    """The one record `text` names; raise UnknownName (with close names) or AmbiguousName (with candidates)."""
    def stage(n: int, key: str, slug: str) -> list[R]:
        if n < 3:
            return [r for r in records.values() if (n, key) in keys(r) or (n, slug) in keys(r)]
        return [r for r in records.values() if r.id.startswith(slug)]
    return resolve_with(text, records.get, stage, lambda: records.values(), what)


def resolve_with(text: str, exact: Callable[[str], R | None], stage: Callable[[int, str, str], Iterable[R]],
                 everything: Callable[[], Iterable[R]], what: str = "stakeholder") -> R:
    """Resolve `text` through three stages (id or full name; alias or surname; id prefix), first match wins."""
    typed = text.strip()
    if not typed:
        raise UnknownName(f"empty {what} name")
    found_exact = exact(typed)
    if found_exact is not None:
        return found_exact
    key, slug = typed_keys(typed)
    for n in (1, 2, 3):
        if n == 3 and len(slug) < 2:
            break
        found = list({r.id: r for r in stage(n, key, slug)}.values())
        if len(found) == 1:
            return found[0]
        if found:
            listed = ", ".join(f"{r.name} ({r.id})" for r in sorted(found, key=lambda r: r.id)[:10])
            raise AmbiguousName(f"{typed!r} matches {len(found)} {what}s: {listed}; give the full name or the id",
                                tuple(r.id for r in found))
    close = suggest(everything(), key)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    add = "person NAME` or `add organization NAME" if what == "stakeholder" else "topic NAME"
    raise UnknownName(f"no {what} matches {typed!r}{hint} (add one with `nafta-log add {add}`)", tuple(close))


def suggest(records: Iterable[Stakeholder | Topic], key: str, n: int = 3) -> list[str]:
    """Names of the records closest to the folded text `key`."""
    by_name: dict[str, str] = {}
    for r in records:
        for name in [*_names(r), r.id, *(filter(None, [_surname(r)]))]:
            by_name.setdefault(fold(name), r.name)
    import difflib
    close = difflib.get_close_matches(key, list(by_name), n=n * 2, cutoff=0.6)
    out: list[str] = []
    for c in close:
        if by_name[c] not in out:
            out.append(by_name[c])
    return out[:n]


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
