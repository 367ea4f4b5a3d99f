"""The question-answering commands on the sample log, asserted as a user reads them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from conftest import SAMPLE, cells, invoke, lines


def test_meetings_person_dias_shows_the_thursday_meeting_with_ross() -> None:
    """The README's first command: four meetings with Ross, the dated one last."""
    result = invoke(["meetings", "--person", "Dias"], log=SAMPLE)
    assert result.exit_code == 0
    out = lines(result.stdout)
    assert out[0].split() == ["date", "title", "who", "topics", "location", "status"]
    assert cells(out[2]) == ["2017", "Dias and Ross meet (earlier 2017 meeting 1 of 3)", "Jerry Dias, Wilbur Ross",
                             "NAFTA renegotiation, Auto sector", "held"]
    assert cells(out[-1]) == ["2017-12-14", "Dias and Ross talk auto rules of origin", "Jerry Dias, Wilbur Ross",
                              "Auto sector, Rules of origin, NAFTA renegotiation", "Washington, D.C.", "scheduled"]
    assert len(out) == 6
    assert result.stderr == ""


def test_fourth_meeting_this_year_in_json() -> None:
    """Dias and Ross together in 2017: the article's 'fourth meeting this year'."""
    result = invoke(["meetings", "--person", "Dias", "--person", "Ross", "--year", "2017", "--format", "json"], log=SAMPLE)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [m["date"] for m in data] == ["2017", "2017", "2017", "2017-12-14"]
    last = data[-1]
    assert set(last) == {"id", "title", "date", "end", "time", "timezone", "status", "participants", "topics",
                         "location", "summary", "sources"}
    assert last["participants"] == [{"id": "jerry-dias", "name": "Jerry Dias"}, {"id": "wilbur-ross", "name": "Wilbur Ross"}]
    assert last["status"] == "scheduled"
    assert last["sources"][0]["publisher"] == "CBC News"


def _titles(args: list[str]) -> list[str]:
    result = invoke(["meetings", *args, "--format", "json"], log=SAMPLE)
    assert result.exit_code == 0, result.output
    return [m["title"] for m in json.loads(result.stdout)]


def test_date_filters_keep_only_meetings_whose_whole_span_is_inside() -> None:
    """A meeting known only as '2017' is in --year 2017 but not in --from 2017-12-01."""
    dec = _titles(["--from", "2017-12-01"])
    assert "Dias and Ross meet (earlier 2017 meeting 1 of 3)" not in dec
    assert dec == ["Trudeau meets Premier Li Keqiang in Beijing", "Inter-session gathering of NAFTA negotiators",
                   "Dias and Ross talk auto rules of origin", "Next formal round of NAFTA negotiations, Montreal"]
    assert _titles(["--from", "Dec 2017", "--to", "2017"]) == dec[:3]
    assert len(_titles(["--year", "2017"])) == 7
    assert _titles(["--year", "2018"]) == ["Next formal round of NAFTA negotiations, Montreal"]
    # The five-day gathering ends on the 15th: a --to before that leaves it out.
    assert "Inter-session gathering of NAFTA negotiators" not in _titles(["--from", "2017-12-11", "--to", "2017-12-14"])


def test_topic_status_location_search_and_limit_filters() -> None:
    """Each filter narrows the list as documented; topics repeat as 'any of'."""
    assert _titles(["--topic", "rules of origin"]) == ["Inter-session gathering of NAFTA negotiators",
                                                        "Dias and Ross talk auto rules of origin"]
    assert len(_titles(["-t", "trade", "-t", "China trade"])) == 2
    assert _titles(["--status", "scheduled"]) == ["Dias and Ross talk auto rules of origin",
                                                  "Next formal round of NAFTA negotiations, Montreal"]
    assert _titles(["--location", "beijing"]) == ["Trudeau meets Premier Li Keqiang in Beijing"]
    assert _titles(["--search", "LIGHTHIZER"]) == ["Trudeau visits the White House to talk trade"]
    assert len(_titles(["--limit", "2"])) == 2


def test_meetings_csv_has_a_header_and_one_row_per_meeting() -> None:
    """CSV output is machine-readable with nothing else on stdout."""
    result = invoke(["meetings", "-p", "Trudeau", "--format", "csv"], log=SAMPLE)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["date"] for r in rows] == ["2017-10-11", "2017-12-04"]
    assert rows[1]["participants"] == "Justin Trudeau; Li Keqiang"
    assert rows[1]["participant_ids"] == "justin-trudeau; li-keqiang"


def test_show_accepts_a_unique_prefix_and_prints_sources() -> None:
    """`show 2017-12-14` finds the one meeting of that day and prints it in full."""
    result = invoke(["show", "2017-12-14"], log=SAMPLE)
    assert result.exit_code == 0
    out = lines(result.stdout)
    assert out[0] == "id        2017-12-14-dias-ross-cb43"
    assert "who       Jerry Dias (jerry-dias)" in out
    assert "1. CBC News - Union leader to talk NAFTA with top Trump adviser, again (2017-12)" in out
    assert out[-1] == "file: meetings/2017/2017-12-14-dias-ross-cb43.toml"


def test_show_ambiguous_and_unknown_prefixes() -> None:
    """A prefix matching several meetings lists them; one matching none says so."""
    result = invoke(["show", "2017-d"], log=SAMPLE)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: '2017-d' matches 3 meetings: 2017-dias-ross-192d, 2017-dias-ross-38f1, ")
    result = invoke(["show", "1999"], log=SAMPLE)
    assert result.exit_code == 1
    assert "Error: no meeting id starts with '1999'" in result.stderr


def test_people_lists_roles_counts_and_last_meeting() -> None:
    """People first, then organizations; counts leave out nothing held or scheduled."""
    out = lines(invoke(["people"], log=SAMPLE).stdout)
    ross = next(ln for ln in out if ln.startswith("Wilbur Ross"))
    assert cells(ross) == ["Wilbur Ross", "person", "Secretary of Commerce", "U.S. Department of Commerce", "US", "5",
                           "2017-12-14"]
    assert cells(next(ln for ln in out if ln.startswith("Unifor"))) == ["Unifor", "organization", "CA", "0"]
    assert out.index(ross) < out.index(next(ln for ln in out if ln.startswith("Unifor")))
    data = json.loads(invoke(["people", "--format", "json"], log=SAMPLE).stdout)
    dias = next(d for d in data if d["id"] == "jerry-dias")
    assert dias == {"id": "jerry-dias", "kind": "person", "name": "Jerry Dias", "aliases": ["Dias"], "country": "CA",
                    "role": "President", "organization": "unifor", "organization_name": "Unifor", "meetings": 4,
                    "last_meeting": "2017-12-14"}


def test_person_profile_shows_roles_and_timeline() -> None:
    """`person DÍAS` (accents and case ignored) shows who he met, about what."""
    result = invoke(["person", "DÍAS"], log=SAMPLE)
    assert result.exit_code == 0
    out = lines(result.stdout)
    assert out[0] == "Jerry Dias (jerry-dias, person, CA)"
    assert cells(out[out.index("Roles") + 3]) == ["President", "Unifor"]
    assert "Meetings (4)" in out
    assert cells(out[-1]) == ["2017-12-14", "Dias and Ross talk auto rules of origin", "Wilbur Ross",
                              "Auto sector, Rules of origin, NAFTA renegotiation", "scheduled"]


def test_topics_summary_counts_first_last_and_most_involved() -> None:
    """The per-topic summary, busiest topic first."""
    out = lines(invoke(["topics"], log=SAMPLE).stdout)
    assert cells(out[2]) == ["NAFTA renegotiation", "7", "2017", "2018",
                             "Wilbur Ross (5), Jerry Dias (4), Canadian trade delegation (2)"]
    data = json.loads(invoke(["topics", "--format", "json"], log=SAMPLE).stdout)
    roo = next(t for t in data if t["id"] == "rules-of-origin")
    assert (roo["meetings"], roo["first"], roo["last"]) == (2, "2017-12-11", "2017-12-14")


def test_who_lists_pairs_and_one_persons_counterparts() -> None:
    """Dias and Ross are the most frequent pair; --person narrows to counterparts."""
    out = lines(invoke(["who"], log=SAMPLE).stdout)
    assert cells(out[2]) == ["Jerry Dias", "Wilbur Ross", "4", "2017", "2017-12-14",
                             "NAFTA renegotiation, Auto sector, Rules of origin"]
    data = json.loads(invoke(["who", "--person", "Ross", "--format", "json"], log=SAMPLE).stdout)
    assert [(d["b"]["name"], d["meetings"]) for d in data] == [("Jerry Dias", 4), ("Donald Trump", 1), ("Justin Trudeau", 1)]
    assert data[0]["first"] == "2017" and data[0]["last"] == "2017-12-14"


def test_unknown_and_ambiguous_people_fail_with_candidates(sample: Path) -> None:
    """A typo exits 1 naming the closest stakeholder; nothing is created."""
    result = invoke(["meetings", "--person", "Diaz"], log=sample)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == ("Error: no stakeholder matches 'Diaz'; did you mean 'Jerry Dias'? "
                                             "(add one with `nafta-log add person NAME` or `add organization NAME`)")
    assert result.stdout == ""
    result = invoke(["meetings", "--topic", "dairy"], log=sample)
    assert result.exit_code == 1 and "no topic matches 'dairy'" in result.stderr


def test_bad_dates_in_filters_are_usage_errors() -> None:
    """An impossible or ambiguous --from is exit 2 with the flag named."""
    result = invoke(["meetings", "--from", "2017-02-30"], log=SAMPLE)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == ("Error: --from: '2017-02-30' is not a usable date: "
                                             "2017-02-30 is not a real date: February 2017 has 28 days")
    result = invoke(["meetings", "--to", "12/11/2017"], log=SAMPLE)
    assert result.exit_code == 2 and "ambiguous" in result.stderr
    result = invoke(["meetings", "--status", "done"], log=SAMPLE)
    assert result.exit_code == 2 and "--status must be one of scheduled, held, cancelled" in result.stderr


def test_plain_listing_tables_match_richs_own_layout(sample: Path) -> None:
    """The fast plain writer used for pipes lays tables out exactly as Rich does, wide characters included."""
    from rich.console import Console

    from nafta_log import index, iquery, render, render_sheet
    invoke(["add", "person", "李克强 Zoë \x1b[31m", "--country", "CN"], log=sample)
    invoke(["add", "meeting", "--title", "会谈 [bold]x[/] \u202e", "--date", "2017-12-01", "--with", "Dias"], log=sample)
    ix = index.Index.open(sample)
    lg, people_rows = iquery.people_rows(ix)
    found = ix.meetings_where()
    lg_t, topic_rows = iquery.topic_summary(ix)
    lg_w, pairs = iquery.pairs(ix)
    for sheet in (render_sheet.people(people_rows), render_sheet.meetings(ix.log_for(found), found),
                  render_sheet.topics(lg_t, topic_rows), render_sheet.pairs(lg_w, pairs),
                  render_sheet.pairs(lg_w, pairs, "jerry-dias")):
        console = Console(file=io.StringIO(), color_system=None, width=4000, highlight=False, markup=False)
        with console.capture() as capture:
            console.print(render.table_of(sheet))
        expected = "\n".join(line.rstrip() for line in capture.get().split("\n"))
        assert render_sheet.plain_text(sheet) == expected
    index.close_all()
