"""The log (or the meetings a query selects) as a JSON document, CSV, an iCalendar file or a SQLite database.

- JSON: `{"nafta_log_export": 1, "topics": [...], "stakeholders": [...], "meetings": [...]}`; each record is the
  table of its TOML file plus its `id`, dates as text ("2017-12-14", "2017-12", "2017"). `import json` reads it
  back into the same records.
- CSV: one meeting a row, the columns of `meetings --format csv`.
- iCalendar: one VEVENT per meeting known to the day (all-day, or timed in UTC when the meeting has a time and
  timezone), with a stable UID, so a calendar that imports the file twice keeps one copy.
- SQLite: tables meetings, stakeholders, aliases, roles, topics, sources and the links meeting_participants and
  meeting_topics, with foreign keys, and `meetings_fts`, a full-text (FTS5) index of titles and summaries.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any, NamedTuple

from nafta_log import records, serialize
from nafta_log.model import Log, Meeting
from nafta_log.safe import visible

EXPORT_VERSION = 1


class Selection(NamedTuple):
    """The meetings to export and every stakeholder and topic they name (with the organizations of roles)."""

    meetings: list[Meeting]
    stakeholders: list[str]
    topics: list[str]


def select(log: Log, meetings: list[Meeting], whole: bool) -> Selection:
    """The records an export holds: everything when `whole`, else the meetings and what they refer to."""
    if whole:
        return Selection(meetings, sorted(log.stakeholders), sorted(log.topics))
    people = {p for m in meetings for p in m.participants}
    people |= {r.organization for p in people if p in log.stakeholders for r in log.stakeholders[p].roles
               if r.organization}
    topics = {t for m in meetings for t in m.topics}
    return Selection(meetings, sorted(p for p in people if p in log.stakeholders),
                     sorted(t for t in topics if t in log.topics))


def _plain(value: Any) -> Any:
    """A TOML value as JSON: dates and times as ISO text, nested tables and lists converted."""
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def to_json(log: Log, sel: Selection) -> str:
    """The JSON export document."""
    doc = {
        "nafta_log_export": EXPORT_VERSION,
        "topics": [{"id": t, **_plain(records.topics_to_table({t: log.topics[t]})["topics"][t])} for t in sel.topics],
        "stakeholders": [{"id": s, **_plain(records.stakeholder_to_table(log.stakeholders[s]))}
                         for s in sel.stakeholders],
        "meetings": [{"id": m.id, **_plain(records.meeting_to_table(m))} for m in sel.meetings],
    }
    return serialize.to_json(doc) + "\n"


def to_csv(log: Log, sel: Selection) -> str:
    """The meetings as CSV, with the columns of `meetings --format csv`."""
    return serialize.to_csv([serialize.meeting_csv_row(log, m) for m in sel.meetings], serialize.MEETING_CSV)


# --- iCalendar ---------------------------------------------------------------------------------------------

def _ics_text(value: str) -> str:
    """Text escaped for an iCalendar property value (RFC 5545 3.3.11), invisible characters made visible."""
    text = visible(value, keep="\n")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """A content line folded at 75 octets, never inside a UTF-8 character."""
    out, current, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > 75:
            out.append(current)
            current, size = " ", 1
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out)


def to_ics(log: Log, sel: Selection, now: dt.datetime) -> tuple[str, list[Meeting]]:
    """The calendar, and the meetings left out because their date is known only to the month or year."""
    stamp = now.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//nafta-log//nafta-log//EN", "CALSCALE:GREGORIAN"]
    left_out = []
    for m in sel.meetings:
        day = m.date.as_date()
        if day is None:
            left_out.append(m)
            continue
        lines += ["BEGIN:VEVENT", f"UID:{m.id}@nafta-log", f"DTSTAMP:{stamp}", *_when(m, day),
                  f"SUMMARY:{_ics_text(m.title)}",
                  f"STATUS:{'CANCELLED' if m.status == 'cancelled' else 'CONFIRMED' if m.status == 'held' else 'TENTATIVE'}"]
        if m.location:
            lines.append(f"LOCATION:{_ics_text(m.location)}")
        description = "\n\n".join(filter(None, [m.summary, *(_source_line(s) for s in m.sources)]))
        if description:
            lines.append(f"DESCRIPTION:{_ics_text(description)}")
        if m.topics:
            lines.append("CATEGORIES:" + ",".join(_ics_text(log.topic_name(t)) for t in m.topics))
        for p in m.participants:
            name = visible(log.name_of(p)).replace('"', "'")
            lines.append(f'ATTENDEE;CN="{name}";ROLE=REQ-PARTICIPANT:urn:nafta-log:stakeholder:{p}')
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_fold(ln) + "\r\n" for ln in lines), left_out


def _when(m: Meeting, day: dt.date) -> list[str]:
    """DTSTART/DTEND: all-day dates (the end is exclusive), or a time in UTC (floating when no timezone)."""
    if m.time is None:
        last = m.end or day
        return [f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{last + dt.timedelta(days=1):%Y%m%d}"]
    start = dt.datetime.combine(day, m.time)
    if m.timezone:
        from zoneinfo import ZoneInfo
        utc = start.replace(tzinfo=ZoneInfo(m.timezone)).astimezone(dt.timezone.utc)
        return [f"DTSTART:{utc:%Y%m%dT%H%M%SZ}"]
    return [f"DTSTART:{start:%Y%m%dT%H%M%S}"]


def _source_line(s: Any) -> str:
    """A source as one line of an event's description."""
    parts = [s.publisher, s.title, str(s.published) if s.published else None, s.url]
    return "Source: " + " - ".join(p for p in parts if p)


# --- SQLite ------------------------------------------------------------------------------------------------

SCHEMA = """
CREATE TABLE stakeholders (id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, country TEXT,
                           description TEXT);
CREATE TABLE aliases (stakeholder_id TEXT NOT NULL REFERENCES stakeholders(id), alias TEXT NOT NULL);
CREATE TABLE roles (id INTEGER PRIMARY KEY, stakeholder_id TEXT NOT NULL REFERENCES stakeholders(id), title TEXT,
                    organization_id TEXT REFERENCES stakeholders(id), since TEXT, until TEXT);
CREATE TABLE topics (id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT);
CREATE TABLE meetings (id TEXT PRIMARY KEY, title TEXT NOT NULL, date TEXT NOT NULL, date_precision TEXT NOT NULL,
                       first_day TEXT NOT NULL, last_day TEXT NOT NULL, time TEXT, timezone TEXT,
                       status TEXT NOT NULL, location TEXT, summary TEXT);
CREATE TABLE sources (id INTEGER PRIMARY KEY, meeting_id TEXT NOT NULL REFERENCES meetings(id), publisher TEXT,
                      title TEXT, published TEXT, url TEXT, note TEXT, file TEXT, row TEXT);
CREATE TABLE meeting_participants (meeting_id TEXT NOT NULL REFERENCES meetings(id),
                                   stakeholder_id TEXT NOT NULL REFERENCES stakeholders(id),
                                   PRIMARY KEY (meeting_id, stakeholder_id));
CREATE TABLE meeting_topics (meeting_id TEXT NOT NULL REFERENCES meetings(id),
                             topic_id TEXT NOT NULL REFERENCES topics(id), PRIMARY KEY (meeting_id, topic_id));
CREATE INDEX participants_by_stakeholder ON meeting_participants(stakeholder_id);
CREATE INDEX roles_by_organization ON roles(organization_id);
CREATE VIRTUAL TABLE meetings_fts USING fts5(title, summary, content="meetings", content_rowid="rowid");
"""


def write_sqlite(log: Log, sel: Selection, path: Path) -> list[str]:
    """Write the selection as a new SQLite database at `path`; return the links left out (unknown ids)."""
    db = sqlite3.connect(path)
    dropped: list[str] = []
    try:
        db.executescript(SCHEMA)
        people, topics = set(sel.stakeholders), set(sel.topics)
        for sid in sel.stakeholders:
            s = log.stakeholders[sid]
            db.execute("INSERT INTO stakeholders VALUES (?, ?, ?, ?, ?)", (s.id, s.kind, s.name, s.country,
                                                                          s.description))
            db.executemany("INSERT INTO aliases VALUES (?, ?)", [(s.id, a) for a in s.aliases])
            db.executemany("INSERT INTO roles (stakeholder_id, title, organization_id, since, until) "
                           "VALUES (?, ?, ?, ?, ?)",
                           [(s.id, r.title or None, r.organization if r.organization in people else None,
                             _text(r.since), _text(r.until)) for r in s.roles])
        for tid in sel.topics:
            t = log.topics[tid]
            db.execute("INSERT INTO topics VALUES (?, ?, ?)", (t.id, t.name, t.description))
        for m in sel.meetings:
            first, last = m.span
            db.execute("INSERT INTO meetings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (m.id, m.title, str(m.date), m.date.precision, first.isoformat(), last.isoformat(),
                        m.time.isoformat() if m.time else None, m.timezone, m.status, m.location, m.summary))
            db.executemany("INSERT INTO sources (meeting_id, publisher, title, published, url, note, file, row) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           [(m.id, s.publisher, s.title, _text(s.published), s.url, s.note,
                             _opt(s.extra.get("file")), _opt(s.extra.get("row"))) for s in m.sources])
            for p in dict.fromkeys(m.participants):
                if p in people:
                    db.execute("INSERT INTO meeting_participants VALUES (?, ?)", (m.id, p))
                else:
                    dropped.append(f"{m.id}: unknown stakeholder {p!r}")
            for t in dict.fromkeys(m.topics):
                if t in topics:
                    db.execute("INSERT INTO meeting_topics VALUES (?, ?)", (m.id, t))
                else:
                    dropped.append(f"{m.id}: unknown topic {t!r}")
        db.execute("INSERT INTO meetings_fts (rowid, title, summary) SELECT rowid, title, summary FROM meetings")
        db.commit()
    finally:
        db.close()
    return dropped


def _text(value: Any) -> str | None:
    """A date (or any value) as text, None kept."""
    return str(value) if value is not None else None


def _opt(value: Any) -> str | None:
    """A value as text for a TEXT column, None kept."""
    return None if value is None else str(value)
