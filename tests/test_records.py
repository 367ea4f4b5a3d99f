"""Records round-trip: every sample file is rewritten byte for byte, and generated records survive save and load."""

from __future__ import annotations

import datetime as dt
import string
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nafta_log import records, store, tomltext
from nafta_log.model import Meeting, Origin, PartialDate, Role, Source, Stakeholder

from conftest import SAMPLE

SAMPLE_FILES = sorted([*SAMPLE.glob("stakeholders/*.toml"), *SAMPLE.glob("meetings/*/*.toml"), SAMPLE / "topics.toml"])


def _load_one(path: Path) -> str:
    rel = path.relative_to(SAMPLE).as_posix()
    table, text, problems = tomltext.decode(path.read_bytes(), rel)
    assert not problems and table is not None
    origin = Origin(rel, text)
    if rel == "topics.toml":
        topics, problems = records.topics_from_table(table, origin)
        assert not problems
        return tomltext.dumps(records.topics_to_table(topics))
    if rel.startswith("stakeholders/"):
        s, problems = records.stakeholder_from_table(path.stem, table, origin)
        assert s is not None, problems
        return tomltext.dumps(records.stakeholder_to_table(s))
    m, problems = records.meeting_from_table(path.stem, table, origin)
    assert m is not None, problems
    return tomltext.dumps(records.meeting_to_table(m))


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.relative_to(SAMPLE).as_posix())
def test_every_sample_record_round_trips_byte_for_byte(path: Path) -> None:
    """save(load(x)) == x for each file of the sample log."""
    assert _load_one(path) == path.read_text(encoding="utf-8")


def test_unknown_keys_are_kept_when_a_record_is_rewritten(tmp_path: Path) -> None:
    """Keys the tool does not know survive, at the top level and inside sources."""
    text = ('title = "T"\ndate = 2017-12-14\nstatus = "held"\nparticipants = ["a"]\nmood = "tense"\n'
            'tags = [1, 2]\n\n[[sources]]\npublisher = "P"\narchive = "wayback"\n\n[private]\nnote = "x"\n')
    m, problems = records.meeting_from_table("m", tomllib.loads(text), Origin("m.toml", text))
    assert m is not None, problems
    assert m.extra == {"mood": "tense", "tags": [1, 2], "private": {"note": "x"}}
    assert tomltext.dumps(records.meeting_to_table(m)) == text


# Text of any Unicode, including control characters, quotes, backslashes and newlines.
any_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
some_text = any_text.filter(lambda s: s.strip() != "")
ident = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    day = draw(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return PartialDate(day.year)
    if precision == "month":
        return PartialDate(day.year, day.month)
    return PartialDate.from_date(day)


extra_values = st.dictionaries(st.text(string.ascii_lowercase, min_size=1, max_size=6).filter(
    lambda k: k not in records.MEETING_KEYS + records.STAKEHOLDER_KEYS + records.SOURCE_KEYS + records.ROLE_KEYS),
    st.one_of(any_text, st.integers(-10**6, 10**6), st.booleans(), st.lists(st.integers(0, 9), max_size=3)),
    max_size=2)

sources = st.builds(Source, publisher=st.none() | any_text, title=st.none() | any_text,
                    published=st.none() | partial_dates(), url=st.none() | any_text, note=st.none() | any_text,
                    extra=extra_values)


@st.composite
def meetings(draw: st.DrawFn) -> Meeting:
    date = draw(partial_dates())
    day_known = date.day is not None
    return Meeting(
        id=draw(ident), title=draw(some_text), date=date, participants=tuple(draw(st.lists(ident, min_size=1, max_size=4))),
        status=draw(st.sampled_from(["scheduled", "held", "cancelled"])),
        end=draw(st.none() | st.dates()) if day_known else None,
        time=draw(st.none() | st.times()) if day_known else None,
        timezone=draw(st.none() | st.sampled_from(["America/New_York", "Europe/Paris"])),
        topics=tuple(draw(st.lists(ident, max_size=3))), location=draw(st.none() | any_text),
        summary=draw(st.none() | any_text), sources=tuple(draw(st.lists(sources, max_size=2))), extra=draw(extra_values))


roles = st.builds(Role, title=any_text, organization=st.none() | ident, since=st.none() | partial_dates(),
                  until=st.none() | partial_dates(), extra=extra_values)
stakeholders = st.builds(Stakeholder, id=ident, kind=st.sampled_from(["person", "organization"]), name=some_text,
                         aliases=st.lists(any_text, max_size=3).map(tuple), country=st.none() | any_text,
                         description=st.none() | any_text, roles=st.lists(roles, max_size=3).map(tuple),
                         extra=extra_values, origin=st.none())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(meetings())
def test_generated_meetings_round_trip(tmp_path_factory: pytest.TempPathFactory, m: Meeting) -> None:
    """Any meeting written to disk and read back is the same meeting."""
    root = tmp_path_factory.mktemp("log")
    (root / "nafta-log.toml").write_text("schema_version = 1\n")
    path = store.save_meeting(root, m)
    loaded = store.load(root)
    assert loaded.problems == []
    back = loaded.log.meetings[m.id]
    assert back._replace(origin=None) == m
    assert back.origin is not None and back.origin.path == path.relative_to(root).as_posix()


@settings(max_examples=200, deadline=None)
@given(stakeholders)
def test_generated_stakeholders_round_trip(s: Stakeholder) -> None:
    """Any stakeholder dumped to TOML and parsed back is the same stakeholder."""
    text = tomltext.dumps(records.stakeholder_to_table(s))
    back, problems = records.stakeholder_from_table(s.id, tomllib.loads(text), Origin("s.toml", text))
    assert problems == []
    assert back is not None and back._replace(origin=None) == s
