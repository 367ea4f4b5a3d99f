"""The cleaning rules of imports: officials' names and titles, peerages, mis-decoded text."""

from __future__ import annotations

import pytest

from nafta_log.importers.normalize import clean, group_names, parse_official, repair


@pytest.mark.parametrize("cell, name, title", [
    ("Rt Hon Philip Hammond MP", "Philip Hammond", ""),
    ("Rt Hon Philip Hammond, Secretary of State for Foreign and Commonwealth Affairs", "Philip Hammond",
     "Secretary of State for Foreign and Commonwealth Affairs"),
    ("Parliamentary Secretary , Nick Hurd MP", "Nick Hurd", "Parliamentary Secretary"),
    ("Attorney General Dominic Grieve QC MP", "Dominic Grieve", "Attorney General"),
    ("Solicitor General Oliver Heald QCMP", "Oliver Heald", "Solicitor General"),
    ("Minister for Culture, Communications & Creative Industries, Ed Vaizey MP", "Ed Vaizey",
     "Minister for Culture, Communications & Creative Industries"),
    ("Mr Bernard Gray \x96 Chief of Defence Materiel", "Bernard Gray", "Chief of Defence Materiel"),
    ("Lords Government Whip, Lady Northover", "Baroness Northover", "Lords Government Whip"),
    ("The Lord  Ahmad of Wimbledon", "Lord Ahmad of Wimbledon", ""),
    ("Rt Hon Sir George Young MP", "George Young", ""),
    ("Prime Minister, The Rt Hon David Cameron MP", "David Cameron", "Prime Minister"),
    ("Secretary of State for Defence", None, "Secretary of State for Defence"),
])
def test_official_cells_split_into_name_and_title(cell: str, name: str | None, title: str) -> None:
    """Honorifics and post-nominals go; a glued job title becomes the title; an office alone has no name."""
    official = parse_official(cell)
    assert (official.name, official.title) == (name, title)


def test_peerage_spellings_join_only_when_unambiguous() -> None:
    """'Lord Popat' is 'Lord Popat of Harrow'; two Lords Wallace of different places stay apart, and so does a bare one."""
    groups = group_names(["Lord Popat", "Lord Popat of Harrow", "Lord Popat of Harrow", "Lord Tariq Ahmad",
                          "Lord Ahmad of Wimbledon", "Lord Wallace of Saltaire", "Lord Wallace of Tankerness",
                          "Lord Wallace", "Andrew Jones", "Marcus Jones"])
    assert groups["Lord Popat"] == ("Lord Popat of Harrow", ("Lord Popat of Harrow", "Lord Popat"))
    assert groups["Lord Tariq Ahmad"][0] == "Lord Ahmad of Wimbledon"
    assert len({groups[n][0] for n in ("Lord Wallace of Saltaire", "Lord Wallace of Tankerness", "Lord Wallace")}) == 3
    assert groups["Andrew Jones"][0] != groups["Marcus Jones"][0]


@pytest.mark.parametrize("raw, fixed", [
    ("Prince\x92s Trust", "Prince’s Trust"),
    ("The Independent \x96 Amol Rajan", "The Independent – Amol Rajan"),
    ("FÃ©dÃ©ration Bancaire FranÃ§aise", "Fédération Bancaire Française"),
    ("Maria-Manuel LEITÃO-MARQUES", "Maria-Manuel LEITÃO-MARQUES"),
    ("Ã\ufffdkos HadhÃ¡zy", "Ã\ufffdkos Hadházy"),
    ("Café", "Café"),
])
def test_repair_fixes_only_unambiguous_mojibake(raw: str, fixed: str) -> None:
    """cp1252-as-latin-1 and UTF-8-as-cp1252 are undone; real 'Ã' and a lost character are left."""
    assert repair(raw) == (fixed, raw != fixed)


def test_clean_joins_lines_and_spaces() -> None:
    """Newlines, no-break spaces and runs of spaces become one space."""
    assert clean("Local \nEnterprise\u00a0 Partnership ") == "Local Enterprise Partnership"
