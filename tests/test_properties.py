"""Generated input: any text written through an edit reads back the same, and mutated files never crash the loader."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nafta_log import check, edit, names, records, store, tomledit, tomltext
from nafta_log.errors import Problem
from nafta_log.model import Log, Origin, Settings, Source

from conftest import SAMPLE

MEETING = "meetings/2017/2017-12-14-dias-ross-cb43.toml"
# Any Unicode but lone surrogates (which no file can hold), trimmed as a typed value is, never empty.
typed = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60).map(str.strip).filter(bool)
long_typed = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400).map(str.strip).filter(bool)


@pytest.fixture(scope="module")
def log_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the sample log shared by the generated examples (each puts its record back first)."""
    dest = tmp_path_factory.mktemp("props") / "log"
    shutil.copytree(SAMPLE, dest)
    return dest


@settings(max_examples=80, deadline=None)
@given(title=typed, location=typed, summary=long_typed, publisher=typed, source_title=typed, url=typed)
def test_any_text_edited_into_a_meeting_reads_back(log_copy: Path, title: str, location: str, summary: str,
                                                   publisher: str, source_title: str, url: str) -> None:
    """Every text field set by an edit is read back exactly, and the rest of the meeting is unchanged."""
    path = log_copy / MEETING
    original = (SAMPLE / MEETING).read_bytes()
    path.write_bytes(original)
    before = store.load(log_copy).log.meetings[path.stem]
    edit.edit_meeting(log_copy, path.stem, edit.MeetingEdit(
        title=title, location=location, summary=summary, source=Source(publisher=publisher, title=source_title,
                                                                       url=url)))
    result = store.load(log_copy)
    assert result.problems == []
    after = result.log.meetings[path.stem]
    assert (after.title, after.location, after.summary) == (title, location, summary)
    assert after.sources == (*before.sources, Source(publisher=publisher, title=source_title, url=url))
    assert after._replace(title=before.title, location=before.location, summary=before.summary,
                          sources=before.sources) == before


@settings(max_examples=50, deadline=None)
@given(name=typed, description=long_typed, alias=typed)
def test_any_text_edited_into_a_stakeholder_reads_back(log_copy: Path, name: str, description: str,
                                                       alias: str) -> None:
    """A person's new name, description and alias are read back exactly."""
    log = store.load(log_copy).log
    assume(all(names.fold(s.name) != names.fold(name) for s in log.stakeholders.values() if s.id != "jerry-dias"))
    path = log_copy / "stakeholders" / "jerry-dias.toml"
    path.write_bytes((SAMPLE / "stakeholders" / "jerry-dias.toml").read_bytes())
    edit.edit_stakeholder(log_copy, "person", "jerry-dias", edit.StakeholderEdit(
        name=name, description=description, add_aliases=(alias,)))
    s = store.load(log_copy).log.stakeholders["jerry-dias"]
    assert (s.name, s.description) == (name, description)
    assert s.aliases == (("Dias", alias) if alias != "Dias" else ("Dias",))


@settings(max_examples=40, deadline=None)
@given(name=typed, description=long_typed, alias=typed)
def test_any_text_edited_into_a_topic_reads_back(log_copy: Path, name: str, description: str, alias: str) -> None:
    """A topic's new name, description and alias are read back exactly; the other topics are unchanged."""
    (log_copy / "topics.toml").write_bytes((SAMPLE / "topics.toml").read_bytes())
    before = store.load(log_copy).log.topics
    edit.edit_topic(log_copy, "trade", edit.TopicEdit(name=name, description=description, add_aliases=(alias,)))
    after = store.load(log_copy).log.topics
    assert (after["trade"].name, after["trade"].description, after["trade"].aliases) == (name, description, (alias,))
    assert {k: v for k, v in after.items() if k != "trade"} == {k: v for k, v in before.items() if k != "trade"}


SAMPLE_FILES = sorted([*SAMPLE.glob("stakeholders/*.toml"), *SAMPLE.glob("meetings/*/*.toml"), SAMPLE / "topics.toml"])
SPECIALS = [b"[", b"]", b"[[", b"{", b"}", b'"', b"'", b'"""', b"=", b"\n", b"\r", b"#", b".", b",", b"\\", b"\x00",
            b"\x1b", b"\xff", b"\xc3", b"\xef\xbb\xbf", b"<<<<<<< HEAD\n", b"2017-13-45", b"24:00:00", b"1e999",
            b"-", b"nan", b"[topics.x]\n", b"[[sources]]\n", b'date = "2017"\n', b"\xe2\x80\xae"]


def _mutate(rng: random.Random, data: bytes) -> bytes:
    """A few random byte flips, insertions (random or TOML-significant bytes) and deletions."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op, pos = rng.randrange(3), rng.randrange(len(out) + 1)
        if op == 0 and out:
            out[min(pos, len(out) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            out[pos:pos] = rng.choice(SPECIALS) if rng.random() < 0.6 else bytes([rng.randrange(256)])
        else:
            del out[pos:pos + rng.randint(1, 12)]
    return bytes(out)


def _load_any(raw: bytes, rel: str) -> list[Problem]:
    """Everything the loader, checks and editor do with one file's bytes; returns the problems found."""
    table, text, problems = tomltext.decode(raw, rel)
    if table is None:
        return problems
    origin = Origin(rel, text)
    tomledit.parse(text.encode("utf-8"), Path(rel))  # an edit must be able to open any file the loader accepts
    log = Log("", Settings())
    if rel == "topics.toml":
        log.topics, problems = records.topics_from_table(table, origin)
    elif rel.startswith("stakeholders/"):
        s, problems = records.stakeholder_from_table("x", table, origin)
        if s is not None:
            log.stakeholders["x"] = s
    else:
        m, problems = records.meeting_from_table("x", table, origin)
        if m is not None:
            log.meetings["x"] = m
    return problems + check.run_checks(log)


def test_the_loader_survives_thousands_of_mutated_files() -> None:
    """3,000 mutations of the sample files (fixed seed): every one loads or yields located problems, none raises."""
    rng = random.Random(20171214)
    originals = [(p.relative_to(SAMPLE).as_posix(), p.read_bytes()) for p in SAMPLE_FILES]
    outcomes = {"loaded": 0, "refused": 0}
    for _ in range(3000):
        rel, data = rng.choice(originals)
        problems = _load_any(_mutate(rng, data), rel)
        assert all(p.path == rel and str(p).startswith(rel) for p in problems)
        outcomes["refused" if problems else "loaded"] += 1
    assert outcomes["loaded"] > 100 and outcomes["refused"] > 1000
