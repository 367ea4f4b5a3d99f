"""The log's records as immutable values: Stakeholder, Role, Topic, Meeting, Source, PartialDate.

Records are NamedTuples rather than frozen dataclasses: they are as immutable and typed, and the
module imports in a tenth of the time (dataclasses generate their methods at start-up), which
matters for a command line that must answer in about the time Python takes to start.
"""


import datetime as dt
import re
from typing import Any, Mapping, NamedTuple

STATUSES = ("scheduled", "held", "cancelled")
KINDS = ("person", "organization")

_PARTIAL_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def days_in_month(year: int, month: int) -> int:
    """How many days `month` of `year` has (the Gregorian calendar, as datetime uses)."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


class PartialDate:
    """A calendar date known to the day, the month, or only the year."""

    __slots__ = ("year", "month", "day")
    year: int
    month: int | None
    day: int | None

    def __init__(self, year: int, month: int | None = None, day: int | None = None) -> None:
        object.__setattr__(self, "year", year)
        object.__setattr__(self, "month", month)
        object.__setattr__(self, "day", day)
        self._validate()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("PartialDate is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return (self.year, self.month, self.day) == (other.year, other.month, other.day)

    def __hash__(self) -> int:
        return hash((self.year, self.month, self.day))

    def __repr__(self) -> str:
        return f"PartialDate({str(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (PartialDate, (self.year, self.month, self.day))

    def _validate(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year {self.year} is out of range 1-9999")
        if self.month is None and self.day is not None:
            raise ValueError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} is not between 1 and 12")
        if self.day is not None:
            assert self.month is not None
            last = days_in_month(self.year, self.month)
            if not 1 <= self.day <= last:
                name = MONTHS[self.month - 1]
                raise ValueError(f"{self.year:04d}-{self.month:02d}-{self.day:02d} is not a real date: "
                                 f"{name} {self.year} has {last} days")

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        """Parse "2017", "2017-12" or "2017-12-14"; raise ValueError on anything else."""
        m = _PARTIAL_RE.match(text)
        if not m:
            raise ValueError(f"{text!r} is not a date: expected YYYY, YYYY-MM or YYYY-MM-DD")
        y, mo, d = m.groups()
        return cls(int(y), int(mo) if mo else None, int(d) if d else None)

    @classmethod
    def from_date(cls, d: dt.date) -> "PartialDate":
        """Wrap a full date."""
        return cls(d.year, d.month, d.day)

    @property
    def precision(self) -> str:
        """"day", "month" or "year"."""
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @property
    def rank(self) -> int:
        """0 for a year, 1 for a month, 2 for a day: less precise sorts first on a tie."""
        return ("year", "month", "day").index(self.precision)

    def first_day(self) -> dt.date:
        """The first day this date may be."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        """The last day this date may be."""
        if self.day is not None:
            return dt.date(self.year, self.month, self.day)  # type: ignore[arg-type]
        month = self.month or 12
        return dt.date(self.year, month, days_in_month(self.year, month))

    def as_date(self) -> dt.date | None:
        """The date itself when known to the day, else None."""
        return self.first_day() if self.day is not None else None

    def sort_key(self) -> tuple[dt.date, int]:
        """Order by the start of the known span, the less precise first on a tie."""
        return (self.first_day(), self.rank)

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


class Origin(NamedTuple):
    """Where a record came from: its path relative to the log root, and its text (for line numbers).

    A record read back from the index has no text; given the log's `root`, the file is read when a line
    number is first asked for (only records with problems ever need one).
    """

    path: str
    text: str = ""
    root: str = ""

    def __eq__(self, other: object) -> bool:  # the text is what was read, not part of the record's identity
        return isinstance(other, Origin) and self.path == other.path

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self.path)

    def line_of(self, key: str) -> int | None:
        """The line on which `key` ("title", "roles.0.organization") is set, if known."""
        from nafta_log.tomltext import key_lines
        text = self.text
        if not text and self.root:
            try:
                with open(f"{self.root}/{self.path}", encoding="utf-8-sig") as f:
                    text = f.read()
            except (OSError, UnicodeDecodeError):
                return None
        return key_lines(text).get(key) if text else None


class Role(NamedTuple):
    """A title held at an organization over a span of time."""

    title: str = ""
    organization: str | None = None
    since: PartialDate | None = None
    until: PartialDate | None = None
    extra: Mapping[str, Any] = {}


class Stakeholder(NamedTuple):
    """A person or an organization that takes part in meetings."""

    id: str
    kind: str
    name: str
    aliases: tuple[str, ...] = ()
    country: str | None = None
    description: str | None = None
    roles: tuple[Role, ...] = ()
    extra: Mapping[str, Any] = {}
    origin: Origin | None = None

    def current_role(self) -> Role | None:
        """The newest role with no end; failing that, the newest role."""
        if not self.roles:
            return None
        open_roles = [r for r in self.roles if r.until is None]
        pool = open_roles or list(self.roles)
        # Roles without a start count as older than dated ones; file order breaks ties.
        indexed = list(enumerate(pool))
        indexed.sort(key=lambda ir: (ir[1].since.sort_key() if ir[1].since else (dt.date.min, -1), ir[0]))
        return indexed[-1][1]


class Topic(NamedTuple):
    """An entry of the log's topic vocabulary."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    description: str | None = None
    extra: Mapping[str, Any] = {}
    origin: Origin | None = None


class Source(NamedTuple):
    """Where a fact about a meeting comes from."""

    publisher: str | None = None
    title: str | None = None
    published: PartialDate | None = None
    url: str | None = None
    note: str | None = None
    extra: Mapping[str, Any] = {}


class Meeting(NamedTuple):
    """A meeting between stakeholders on a date known to the day, month or year."""

    id: str
    title: str
    date: PartialDate
    participants: tuple[str, ...]
    status: str = "held"
    end: dt.date | None = None
    time: dt.time | None = None
    timezone: str | None = None
    topics: tuple[str, ...] = ()
    location: str | None = None
    summary: str | None = None
    sources: tuple[Source, ...] = ()
    extra: Mapping[str, Any] = {}
    origin: Origin | None = None

    @property
    def span(self) -> tuple[dt.date, dt.date]:
        """The first and last day the meeting may have taken place on."""
        last = self.end if self.end is not None else self.date.last_day()
        return (self.date.first_day(), last)

    def sort_key(self) -> tuple[dt.date, int, str, str, str]:
        """Sort by the start of the known span, less precise first, then by time, title and id."""
        first, rank = self.date.sort_key()
        return (first, rank, self.time.isoformat() if self.time else "", self.title.casefold(), self.id)

    def date_text(self) -> str:
        """The date as precise as known, with the end day for a multi-day meeting."""
        if self.end is not None and self.end != self.date.as_date():
            return f"{self.date}..{self.end.isoformat()}"
        return str(self.date)


class Settings(NamedTuple):
    """The log's settings from nafta-log.toml."""

    name: str = ""
    date_order: str | None = None  # "DMY" or "MDY"
    schema_version: int = 1
    extra: Mapping[str, Any] = {}


class Log:
    """Every record of one log, indexed by id."""

    def __init__(self, root: str, settings: Settings, stakeholders: dict[str, Stakeholder] | None = None,
                 topics: dict[str, Topic] | None = None, meetings: dict[str, Meeting] | None = None) -> None:
        self.root = root
        self.settings = settings
        self.stakeholders: dict[str, Stakeholder] = stakeholders if stakeholders is not None else {}
        self.topics: dict[str, Topic] = topics if topics is not None else {}
        self.meetings: dict[str, Meeting] = meetings if meetings is not None else {}

    def sorted_meetings(self) -> list[Meeting]:
        """Every meeting in date order."""
        return sorted(self.meetings.values(), key=Meeting.sort_key)

    def name_of(self, stakeholder_id: str) -> str:
        """The display name of a stakeholder id, or the id itself when unknown."""
        s = self.stakeholders.get(stakeholder_id)
        return s.name if s else stakeholder_id

    def topic_name(self, topic_id: str) -> str:
        """The display name of a topic id, or the id itself when unknown."""
        t = self.topics.get(topic_id)
        return t.name if t else topic_id
