"""Typed names resolve to one stakeholder or topic, or fail with candidates or close names."""

from __future__ import annotations


import pytest

from nafta_log import names, store
from nafta_log.errors import AmbiguousName, UnknownName
from nafta_log.model import Stakeholder

from conftest import SAMPLE


@pytest.fixture(scope="module")
def people() -> dict[str, Stakeholder]:
    return store.load(SAMPLE).log.stakeholders


@pytest.mark.parametrize("typed", ["jerry-dias", "Jerry Dias", "dias", "DÍAS", "  Dias ", "jerry dias", "jerry"])
def test_dias_found_by_id_name_alias_surname_or_prefix(people: dict[str, Stakeholder], typed: str) -> None:
    """Case, accents and spacing do not matter."""
    assert names.resolve(people, typed).id == "jerry-dias"


@pytest.mark.parametrize("typed, sid", [("lighthizer", "robert-lighthizer"), ("USTR", "office-of-the-us-trade-representative"),
                                        ("Premier Li", "li-keqiang"), ("li", "li-keqiang"), ("unifor", "unifor")])
def test_other_stakeholders(people: dict[str, Stakeholder], typed: str, sid: str) -> None:
    """Aliases and surnames of everyone in the sample resolve."""
    assert names.resolve(people, typed).id == sid


def test_unknown_name_suggests_close_names(people: dict[str, Stakeholder]) -> None:
    """A typo fails and names the closest stakeholder."""
    with pytest.raises(UnknownName) as err:
        names.resolve(people, "Diaz")
    assert "no stakeholder matches 'Diaz'; did you mean 'Jerry Dias'?" in str(err.value)


def test_ambiguous_name_lists_candidates(people: dict[str, Stakeholder]) -> None:
    """Two stakeholders sharing a surname: the error lists both."""
    extra = dict(people)
    extra["diana-ross"] = Stakeholder(id="diana-ross", kind="person", name="Diana Ross")
    with pytest.raises(AmbiguousName) as err:
        names.resolve(extra, "ross")
    assert str(err.value) == ("'ross' matches 2 stakeholders: Diana Ross (diana-ross), Wilbur Ross (wilbur-ross); "
                              "give the full name or the id")
    assert names.resolve(extra, "Wilbur Ross").id == "wilbur-ross"


def test_topics_resolve_by_name_and_alias() -> None:
    """Topics are found like stakeholders."""
    topics = store.load(SAMPLE).log.topics
    assert names.resolve(topics, "autos", "topic").id == "auto-sector"
    assert names.resolve(topics, "Rules of Origin", "topic").id == "rules-of-origin"
    with pytest.raises(UnknownName) as err:
        names.resolve(topics, "dairy", "topic")
    assert "no topic matches 'dairy'" in str(err.value)
