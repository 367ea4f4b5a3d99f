"""Records and summaries -> plain dicts, JSON and CSV: the documented, stable machine-readable schema."""

from __future__ import annotations

import re
from typing import Any, Iterable, Sequence

from nafta_log.model import Log, Meeting, PartialDate
from nafta_log.query import PairRow, PersonRow, Profile, TopicRow
from nafta_log.safe import json_safe, visible

MEETING_CSV = ("id", "date", "end", "time", "timezone", "status", "title", "participants", "participant_ids",
               "topics", "location", "summary", "sources")


def _d(value: PartialDate | None) -> str | None:
    return str(value) if value is not None else None


def meeting_dict(log: Log, m: Meeting) -> dict[str, Any]:
    """A meeting as JSON-ready data: the date as precise as known, participants with id and name."""
    return {
        "id": m.id,
        "title": m.title,
        "date": str(m.date),
        "end": m.end.isoformat() if m.end else None,
        "time": m.time.isoformat() if m.time else None,
        "timezone": m.timezone,
        "status": m.status,
        "participants": [{"id": p, "name": log.name_of(p)} for p in m.participants],
        "topics": list(m.topics),
        "location": m.location,
        "summary": m.summary,
        "sources": [{"publisher": s.publisher, "title": s.title, "published": _d(s.published), "url": s.url,
                     "note": s.note} for s in m.sources],
    }


def meeting_csv_row(log: Log, m: Meeting) -> dict[str, Any]:
    """A meeting as one flat CSV row; lists are joined with '; '."""
    d = meeting_dict(log, m)
    d["participant_ids"] = "; ".join(p["id"] for p in d["participants"])
    d["participants"] = "; ".join(p["name"] for p in d["participants"])
    d["topics"] = "; ".join(d["topics"])
    d["sources"] = "; ".join(" - ".join(filter(None, (s["publisher"], s["title"], s["url"]))) for s in d["sources"])
    return d


def person_dict(row: PersonRow) -> dict[str, Any]:
    """A line of `people` as data."""
    s = row.stakeholder
    return {"id": s.id, "kind": s.kind, "name": s.name, "aliases": list(s.aliases), "country": s.country,
            "role": row.role.title if row.role else None,
            "organization": row.role.organization if row.role else None,
            "organization_name": row.organization, "meetings": row.meetings, "last_meeting": _d(row.last)}


def topic_dict(log: Log, row: TopicRow) -> dict[str, Any]:
    """A line of the per-topic summary as data."""
    return {"id": row.topic.id, "name": row.topic.name, "meetings": row.meetings, "first": _d(row.first),
            "last": _d(row.last),
            "top_participants": [{"id": p, "name": log.name_of(p), "meetings": n} for p, n in row.top]}


def pair_dict(log: Log, row: PairRow) -> dict[str, Any]:
    """A who-met-whom pair as data."""
    return {"a": {"id": row.a, "name": log.name_of(row.a)}, "b": {"id": row.b, "name": log.name_of(row.b)},
            "meetings": row.meetings, "first": str(row.first), "last": str(row.last), "topics": list(row.topics)}


def profile_dict(log: Log, p: Profile) -> dict[str, Any]:
    """A stakeholder's profile as data: record, roles and meetings."""
    s = p.stakeholder
    return {"id": s.id, "kind": s.kind, "name": s.name, "aliases": list(s.aliases), "country": s.country,
            "description": s.description,
            "roles": [{"title": r.title, "organization": r.organization, "since": _d(r.since), "until": _d(r.until)}
                      for r in p.roles],
            "meetings": [meeting_dict(log, m) for m in p.meetings]}


def to_json(data: Any) -> str:
    """JSON text; invisible and bidi characters escaped so the output is safe on a terminal."""
    import json
    return json_safe(json.dumps(data, ensure_ascii=False, indent=2))


def to_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
    """CSV text with a header; control characters other than newline and tab are shown as escapes."""
    import csv
    import io
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for row in rows:
        w.writerow({k: _cell(row.get(k)) for k in columns})
    return buf.getvalue()


_MARKDOWN_SPECIAL = r"([\\`*_\[\]<>|~])"  # compiled (and cached) by re on first use


def to_markdown(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
    """A GitHub-flavoured Markdown table with a header; every cell is literal text (markup characters escaped,
    newlines as <br>, invisible characters as visible escapes)."""
    def cell(value: Any) -> str:
        """One cell as literal Markdown text."""
        text = str(_cell(value))
        lines = (re.sub(_MARKDOWN_SPECIAL, r"\\\1", visible(ln)) for ln in text.split("\n"))
        return "<br>".join(lines)
    out = ["| " + " | ".join(columns) + " |", "|" + "|".join(" --- " for _ in columns) + "|"]
    out += ["| " + " | ".join(cell(row.get(k)) for k in columns) + " |" for row in rows]
    return "\n".join(out) + "\n"


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return visible(value, keep="\n\t")
    if isinstance(value, (list, dict)):
        import json
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


HISTORY_CSV = ("commit", "date", "author", "email", "action", "path", "field", "old", "new")
CHANGES_CSV = ("change", "kind", "id", "name", "fields", "authors", "path")


def history_dict(entry: Any) -> dict[str, Any]:
    """One version of a record (githistory.HistoryEntry) as data: the commit and the fields it changed."""
    return {"commit": entry.sha, "date": entry.date, "author": entry.author, "email": entry.email,
            "subject": entry.subject, "action": entry.action, "path": entry.path,
            "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in entry.changes]}


def history_csv_rows(entries: Iterable[Any]) -> list[dict[str, Any]]:
    """History as CSV rows: one per changed field (one per commit when no field is listed)."""
    rows = []
    for e in entries:
        d = history_dict(e)
        for c in d["changes"] or [{"field": "", "old": None, "new": None}]:
            rows.append({**d, **c})
    return rows


def change_dict(row: Any) -> dict[str, Any]:
    """One record changed over a range of commits (githistory.ChangeRow) as data."""
    return {"change": row.action, "kind": row.kind, "id": row.rid, "name": row.label, "fields": list(row.fields),
            "authors": list(row.authors), "path": row.path}


def change_csv_row(row: Any) -> dict[str, Any]:
    """A changed record as one CSV row; lists joined with '; '."""
    d = change_dict(row)
    return {**d, "fields": "; ".join(d["fields"]), "authors": "; ".join(d["authors"])}
