"""Library-level changes to a log: build new records from typed values, check them, write them under the lock."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from nafta_log import names, store
from nafta_log.errors import ConflictError, NaftaLogError, UsageError
from nafta_log.ids import is_valid_id, meeting_id, slugify
from nafta_log.model import KINDS, STATUSES, Log, Meeting, PartialDate, Role, Source, Stakeholder, Topic

MAX_TITLE = 500          # characters in a title or name
MAX_TEXT = 100_000       # characters in a summary or description


def clean_text(value: str | None, what: str, *, required: bool = False, limit: int = MAX_TITLE) -> str | None:
    """Trim a typed value; refuse an empty required value or one over `limit` characters."""
    if value is None:
        if required:
            raise UsageError(f"{what} is required")
        return None
    text = value.strip()
    if not text:
        if required:
            raise UsageError(f"{what} is empty")
        return None
    if len(text) > limit:
        raise UsageError(f"{what} is {len(text):,} characters long; the limit is {limit:,}")
    return text


def new_meeting(log: Log, *, title: str, date: PartialDate, participants: list[str], end: dt.date | None = None,
                time: dt.time | None = None, timezone: str | None = None, status: str = "held",
                topics: list[str] = (), location: str | None = None, summary: str | None = None,  # type: ignore[assignment]
                sources: list[Source] = ()) -> Meeting:  # type: ignore[assignment]
    """A new meeting from typed values: names resolved to ids, dates checked; nothing is written."""
    title_ = clean_text(title, "the title", required=True)
    if not participants:
        raise UsageError("a meeting needs at least one participant (--with NAME)")
    ids = list(dict.fromkeys(names.resolve(log.stakeholders, p).id for p in participants))
    topic_ids = list(dict.fromkeys(names.resolve(log.topics, t, "topic").id for t in topics))
    if status not in STATUSES:
        raise UsageError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    if end is not None:
        if date.day is None:
            raise UsageError(f"--end needs a start date known to the day, not {str(date)!r}")
        if end < date.first_day():
            raise UsageError(f"the end {end.isoformat()} is before the start {date}")
        if end == date.first_day():
            end = None
    if time is not None and date.day is None:
        raise UsageError(f"--time needs a date known to the day, not {str(date)!r}")
    if timezone is not None and time is None:
        raise UsageError("--timezone needs --time")
    return Meeting(id=meeting_id(str(date), id_words(log.stakeholders, ids) or title_ or "meeting"), title=title_ or "",
                   date=date, end=end, time=time, timezone=timezone, status=status, participants=tuple(ids),
                   topics=tuple(topic_ids), location=clean_text(location, "the location"),
                   summary=clean_text(summary, "the summary", limit=MAX_TEXT), sources=tuple(sources))


def id_words(stakeholders: Mapping[str, Stakeholder], ids: Sequence[str]) -> str:
    """The words a meeting id is made from: the surnames (or organization names) of its first three participants."""
    return " ".join(stakeholders[i].name.split()[-1] if stakeholders[i].kind == "person" else stakeholders[i].name
                    for i in ids[:3])


def merge_roles(roles: tuple[Role, ...], more: Iterable[Role]) -> tuple[Role, ...]:
    """`roles` with the new (title, organization) pairs added; a title replaces an untitled role at the same place."""
    out = list(roles)
    for r in more:
        if any((o.title, o.organization) == (r.title, r.organization) for o in out):
            continue
        if not r.title and any(o.organization == r.organization for o in out):
            continue
        out = [o for o in out if o.title or o.organization != r.organization]
        out.append(r)
    return tuple(out)


def add_meeting(root: Path, meeting: Meeting) -> tuple[Meeting, Path]:
    """Write a new meeting file under the lock; a clash of ids (one in 65,536) draws a new suffix."""
    with store.locked(root):
        for _ in range(20):
            try:
                return meeting, store.save_meeting(root, meeting)
            except ConflictError:
                meeting = meeting._replace(id=f"{meeting.id.rsplit('-', 1)[0]}-{secrets.token_hex(2)}")
        raise ConflictError("could not find a free meeting id; nothing was written")


def new_stakeholder(log: Log, *, kind: str, name: str, sid: str | None = None, aliases: list[str] = (),  # type: ignore[assignment]
                    country: str | None = None, description: str | None = None, role: str | None = None,
                    organization: str | None = None, since: PartialDate | None = None) -> Stakeholder:
    """A new person or organization from typed values; refuse a name or id the log already has."""
    if kind not in KINDS:
        raise UsageError(f"kind must be person or organization, not {kind!r}")
    name_ = clean_text(name, "the name", required=True) or ""
    if sid is not None:
        if not is_valid_id(sid):
            raise UsageError(f"--id {sid!r} is not a valid id: use lower-case letters, digits and single hyphens")
    else:
        sid = slugify(name_)
    if sid in log.stakeholders:
        raise NaftaLogError(f"a stakeholder with id {sid!r} already exists ({log.stakeholders[sid].name}); "
                            "give a different --id if this is someone else")
    key = names.fold(name_)
    for other in log.stakeholders.values():
        if names.fold(other.name) == key:
            raise NaftaLogError(f"{other.name!r} is already in the log as {other.id!r}; "
                                "give --id to add a different stakeholder of the same name")
    if country is not None:
        country = country.strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise UsageError(f"country {country!r} is not a two-letter ISO 3166 code such as CA, US or MX")
    roles: tuple[Role, ...] = ()
    if role or organization:
        org_id = names.resolve(log.stakeholders, organization).id if organization else None
        if org_id and log.stakeholders[org_id].kind != "organization":
            raise UsageError(f"{organization!r} is a person, not an organization")
        roles = (Role(title=clean_text(role, "the role") or "", organization=org_id, since=since),)
    clean_aliases = tuple(a for a in (clean_text(a, "an alias") for a in aliases) if a)
    return Stakeholder(id=sid, kind=kind, name=name_, aliases=clean_aliases, country=country,
                       description=clean_text(description, "the description", limit=MAX_TEXT), roles=roles)


def add_stakeholder(root: Path, s: Stakeholder) -> Path:
    """Write a new stakeholder file under the lock; never overwrites."""
    with store.locked(root):
        return store.save_stakeholder(root, s)


def add_topic(root: Path, *, name: str, tid: str | None = None, aliases: list[str] = (),  # type: ignore[assignment]
              description: str | None = None) -> tuple[Topic, Path]:
    """Add a topic to topics.toml under the lock, re-reading it first so no concurrent addition is lost."""
    name_ = clean_text(name, "the topic name", required=True) or ""
    tid = tid or slugify(name_)
    if not is_valid_id(tid):
        raise UsageError(f"--id {tid!r} is not a valid id: use lower-case letters, digits and single hyphens")
    with store.locked(root):
        result = store.load_topics(root)
        if result.problems:
            raise NaftaLogError(f"{result.problems[0]}; fix topics.toml first (nothing was written)")
        topics = result.topics
        key = names.fold(name_)
        for other in topics.values():
            if other.id == tid or key in (names.fold(n) for n in (other.name, *other.aliases)):
                raise NaftaLogError(f"topic {other.name!r} ({other.id}) is already in the log")
        topic = Topic(id=tid, name=name_, aliases=tuple(a.strip() for a in aliases if a.strip()),
                      description=clean_text(description, "the description", limit=MAX_TEXT))
        topics[tid] = topic
        return topic, store.save_topics(root, topics)
