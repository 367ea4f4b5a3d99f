"""Library-level changes to a log: build new records from typed values, check them, write them under the lock."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from pathlib import Path
from typing import Callable, Iterable, Mapping, Protocol, Sequence

from nafta_log import names, store, tomledit
from nafta_log.errors import ConflictError, NaftaLogError, UsageError
from nafta_log.ids import is_valid_id, meeting_id, slugify
from nafta_log.model import KINDS, STATUSES, Log, Meeting, PartialDate, Role, Source, Stakeholder, Topic
from nafta_log.safe import visible

class Directory(Protocol):
    """What adding a record needs to know of the log: names to resolve and ids already taken."""

    def stakeholder(self, text: str) -> Stakeholder:
        """The one stakeholder `text` names."""

    def topic(self, text: str) -> Topic:
        """The one topic `text` names."""

    def stakeholder_by_id(self, sid: str) -> Stakeholder | None:
        """The stakeholder with this id, if any."""

    def same_name(self, name: str) -> list[Stakeholder]:
        """Stakeholders whose full name folds to the same text as `name`."""


class LogDirectory:
    """A Directory over a Log loaded in memory."""

    def __init__(self, log: Log) -> None:
        self.log = log

    def stakeholder(self, text: str) -> Stakeholder:
        """The one stakeholder `text` names."""
        return names.resolve(self.log.stakeholders, text)

    def topic(self, text: str) -> Topic:
        """The one topic `text` names."""
        return names.resolve(self.log.topics, text, "topic")

    def stakeholder_by_id(self, sid: str) -> Stakeholder | None:
        """The stakeholder with this id, if any."""
        return self.log.stakeholders.get(sid)

    def same_name(self, name: str) -> list[Stakeholder]:
        """Stakeholders whose full name folds to the same text as `name`."""
        key = names.fold(name)
        return [s for s in self.log.stakeholders.values() if names.fold(s.name) == key]


MAX_TITLE = 500          # characters in a title or name
MAX_TEXT = 100_000       # characters in a summary or description


def clean_text(value: str | None, what: str, *, required: bool = False, limit: int = MAX_TITLE) -> str | None:
    """Trim a typed value; refuse a missing required value, an empty or whitespace-only one, undecodable bytes,
    or more than `limit` characters."""
    if value is None:
        if required:
            raise UsageError(f"{what} is required")
        return None
    text = value.strip()
    if not text:
        raise UsageError(f"{what} is empty")
    if len(text) > limit:
        raise UsageError(f"{what} is {len(text):,} characters long; the limit is {limit:,}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{what} holds bytes that are not valid UTF-8 text") from None
    return text


def clean_country(value: str | None) -> str | None:
    """A typed country as an upper-case ISO 3166 two-letter code; refuse anything else."""
    if value is None:
        return None
    country = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise UsageError(f"country {visible(country)!r} is not a two-letter ISO 3166 code such as CA, US or MX")
    return country


def new_meeting(directory: Directory, *, title: str, date: PartialDate, participants: list[str], end: dt.date | None = None,
                time: dt.time | None = None, timezone: str | None = None, status: str = "held",
                topics: list[str] = (), location: str | None = None, summary: str | None = None,  # type: ignore[assignment]
                sources: list[Source] = ()) -> Meeting:  # type: ignore[assignment]
    """A new meeting from typed values: names resolved to ids, dates checked; nothing is written."""
    title_ = clean_text(title, "the title", required=True)
    if not participants:
        raise UsageError("a meeting needs at least one participant (--with NAME)")
    people = {s.id: s for s in (directory.stakeholder(p) for p in participants)}
    ids = list(people)
    topic_ids = list(dict.fromkeys(directory.topic(t).id for t in topics))
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
    return Meeting(id=meeting_id(str(date), id_words(people, ids) or title_ or "meeting"), title=title_ or "",
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


def add_meeting(root: Path, meeting: Meeting, written: Callable[[Path], None] | None = None) -> tuple[Meeting, Path]:
    """Write a new meeting file under the lock; a clash of ids (one in 65,536) draws a new suffix.

    `written` is called with the new file's path while the lock is still held (to index it in the same step).
    """
    with store.locked(root):
        for _ in range(20):
            try:
                path = store.save_meeting(root, meeting)
                if written is not None:
                    written(path)
                return meeting, path
            except ConflictError:
                meeting = meeting._replace(id=f"{meeting.id.rsplit('-', 1)[0]}-{secrets.token_hex(2)}")
        raise ConflictError("could not find a free meeting id; nothing was written")


def new_stakeholder(directory: Directory, *, kind: str, name: str, sid: str | None = None, aliases: list[str] = (),  # type: ignore[assignment]
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
    existing = directory.stakeholder_by_id(sid)
    if existing is not None:
        raise NaftaLogError(f"a stakeholder with id {sid!r} already exists ({existing.name}); "
                            "give a different --id if this is someone else")
    for other in directory.same_name(name_):
        raise NaftaLogError(f"{other.name!r} is already in the log as {other.id!r}; "
                            "give --id to add a different stakeholder of the same name")
    country = clean_country(country)
    roles: tuple[Role, ...] = ()
    if role or organization:
        org = directory.stakeholder(organization) if organization else None
        if org is not None and org.kind != "organization":
            raise UsageError(f"{organization!r} is a person, not an organization")
        org_id = org.id if org else None
        roles = (Role(title=clean_text(role, "the role") or "", organization=org_id, since=since),)
    clean_aliases = tuple(clean_text(a, "an alias") or "" for a in aliases)
    return Stakeholder(id=sid, kind=kind, name=name_, aliases=clean_aliases, country=country,
                       description=clean_text(description, "the description", limit=MAX_TEXT), roles=roles)


def add_stakeholder(root: Path, s: Stakeholder, written: Callable[[Path], None] | None = None) -> Path:
    """Write a new stakeholder file under the lock; never overwrites; `written` as for add_meeting."""
    with store.locked(root):
        path = store.save_stakeholder(root, s)
        if written is not None:
            written(path)
        return path


def add_topic(root: Path, *, name: str, tid: str | None = None, aliases: list[str] = (),  # type: ignore[assignment]
              description: str | None = None, written: Callable[[Path], None] | None = None) -> tuple[Topic, Path]:
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
        topic = Topic(id=tid, name=name_, aliases=tuple(clean_text(a, "an alias") or "" for a in aliases),
                      description=clean_text(description, "the description", limit=MAX_TEXT))
        path = root / store.TOPICS
        if not path.exists():
            store.save_topics(root, {tid: topic})
        else:
            raw = path.read_bytes()
            doc = tomledit.parse(raw, path)  # the file may hold comments and a hand-made order: keep them
            tomledit.add_table(doc, "topics", tid, {"name": topic.name, "aliases": list(topic.aliases) or None,
                                                   "description": topic.description})
            store.replace_file(path, tomledit.dumps(doc), raw)
        if written is not None:
            written(path)
        return topic, path
