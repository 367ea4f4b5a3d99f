"""`import json`: read back an `export --format json` document, record for record, keeping every id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, NamedTuple

from nafta_log import records, store, tomltext
from nafta_log.errors import NaftaLogError, Problem
from nafta_log.export import EXPORT_VERSION
from nafta_log.ids import is_valid_id
from nafta_log.model import Meeting, Origin, Stakeholder, Topic


class JsonReport(NamedTuple):
    """What `import json` added, what was already in the log (by id), and the entries it could not read."""

    topics: int
    stakeholders: int
    meetings: int
    already: int
    problems: list[str]
    dry_run: bool


def _entries(doc: dict[str, Any], key: str, name: str) -> list[tuple[str, dict[str, Any], Origin, list[str]]]:
    """The (id, table, origin) of each entry of one list, with a problem for an entry without a valid id."""
    out = []
    items = doc.get(key, [])
    if not isinstance(items, list):
        raise NaftaLogError(f"{name}: {key!r} must be a list")
    for i, item in enumerate(items):
        where = f"{name}: {key}[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not is_valid_id(item["id"]):
            out.append(("", {}, Origin(where), [f"{where}: no valid 'id' (lower-case letters, digits, hyphens)"]))
            continue
        table = {k: v for k, v in item.items() if k != "id"}
        out.append((item["id"], table, Origin(where), []))
    return out


def read(path: Path) -> dict[str, Any]:
    """The export document in `path`; a NaftaLogError when it is not one."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise NaftaLogError(f"cannot read {path}: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NaftaLogError(f"{path} is not JSON ({exc}); give a file made by `nafta-log export --format json`") \
            from None
    if not isinstance(doc, dict) or doc.get("nafta_log_export") != EXPORT_VERSION:
        raise NaftaLogError(f"{path} is not a nafta-log export (no \"nafta_log_export\": {EXPORT_VERSION} at the top)")
    return doc


def _built(doc: Any, section: str, name: str, build: Callable[..., tuple[Any, list[Problem]]],
           problems: list[str]) -> list[Any]:
    """The records of one section of an export that build without problems; the problems go to `problems`."""
    out = []
    for rid, table, origin, probs in _entries(doc, section, name):
        record, found = build(rid, table, origin) if rid else (None, [])
        problems += probs + [f"{p.path}: {p.message}" for p in found]
        if record is not None:
            out.append(record)
    return out


def import_json(root: Path, path: Path, *, dry_run: bool = False) -> JsonReport:
    """Add the export's topics, stakeholders and meetings that the log lacks (by id), under the lock."""
    doc = read(path)
    problems: list[str] = []
    topics: dict[str, Topic] = {}
    for tid, table, origin, probs in _entries(doc, "topics", path.name):
        problems += probs
        if tid:
            built, found = records.topics_from_table({"topics": {tid: table}}, origin)
            problems += [f"{p.path}: {p.message}" for p in found]
            topics.update(built)
    people: list[Stakeholder] = _built(doc, "stakeholders", path.name, records.stakeholder_from_table, problems)
    meetings: list[Meeting] = _built(doc, "meetings", path.name, records.meeting_from_table, problems)
    with store.locked(root):
        log = store.load(root).log
        new_topics = {t: v for t, v in topics.items() if t not in log.topics}
        new_people = [s for s in people if s.id not in log.stakeholders]
        new_meetings = [m for m in meetings if m.id not in log.meetings]
        already = len(topics) - len(new_topics) + len(people) - len(new_people) + len(meetings) - len(new_meetings)
        if not dry_run:
            if new_topics:
                store.save_topics(root, {**log.topics, **new_topics})
            store.write_batch(
                [(store.stakeholder_path(root, s.id), tomltext.dumps(records.stakeholder_to_table(s)))
                 for s in new_people]
                + [(store.meeting_path(root, m), tomltext.dumps(records.meeting_to_table(m))) for m in new_meetings])
    return JsonReport(len(new_topics), len(new_people), len(new_meetings), already, problems, dry_run)


def summary_lines(r: JsonReport, name: str) -> list[str]:
    """The summary printed after `import json`."""
    verb = "to add" if r.dry_run else "added"
    out = [f"{'Dry run: ' if r.dry_run else ''}{name}: {verb} {r.topics} topics, {r.stakeholders} stakeholders, "
           f"{r.meetings} meetings; already in the log (same id): {r.already}"]
    out.append(f"entries skipped: {len(r.problems)}" if r.problems else "entries skipped: none")
    out += [f"  {p}" for p in r.problems]
    if r.dry_run:
        out.append("Nothing was written (--dry-run).")
    return out
