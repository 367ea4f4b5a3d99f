"""The HTML report without a browser: escaping, links, the CSP, filters, and Graphviz missing."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

from conftest import SAMPLE, invoke
from hostile import IMG, SCRIPT, add_hostile_records
from nafta_log.render_html import csp_hash, e, heat_class, safe_url


def test_escape_makes_markup_and_invisible_characters_text() -> None:
    """html.escape with quotes, after control and bidi characters are made visible."""
    assert e(SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert e(IMG) == "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
    assert e("a\u202eb\x1b") == "a\\u202eb\\x1b"
    assert e(None) == ""


def test_only_http_https_and_mailto_urls_are_links() -> None:
    """Other schemes, relative URLs and URLs with hidden characters are refused."""
    assert safe_url(" https://example.org/a?b=1&c=2 ") == "https://example.org/a?b=1&c=2"
    assert safe_url("HTTP://example.org") == "HTTP://example.org"
    assert safe_url("mailto:a@example.org") == "mailto:a@example.org"
    for bad in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "vbscript:x", "/relative",
                "file:///etc/passwd", "java\tscript:alert(1)", "https://exa\u202emple.org", "", None):
        assert safe_url(bad) is None, bad


def test_heat_classes_span_one_to_the_peak() -> None:
    """h0 for none, h1 for the least, h5 for the most."""
    assert [heat_class(n, 5) for n in range(6)] == ["h0", "h1", "h2", "h3", "h4", "h5"]
    assert heat_class(1, 100) == "h1"


class _Collect(HTMLParser):
    """Every start tag with its attributes, and the text of each script and style element."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record the tag; start collecting text inside script and style."""
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in self.inline else None

    def handle_endtag(self, tag: str) -> None:
        """Stop collecting text."""
        self._in = None

    def handle_data(self, data: str) -> None:
        """Keep the text of a script or style element."""
        if self._in:
            self.inline[self._in].append(data)


def _hostile_report(tmp_path: Path) -> str:
    """The HTML of the report of a hostile copy of the sample log."""
    root = tmp_path / "log"
    shutil.copytree(SAMPLE, root)
    add_hostile_records(root)
    out = tmp_path / "r.html"
    result = invoke(["report", "-o", str(out)], log=root)
    assert result.exit_code == 0, result.output
    return out.read_text("utf-8")


def test_hostile_report_has_no_injected_markup_and_a_strict_csp(tmp_path: Path) -> None:
    """One script and one style, both allowed by hash; no img, no event handler, no javascript: link."""
    text = _hostile_report(tmp_path)
    parsed = _Collect()
    parsed.feed(text)
    tags = [t for t, _ in parsed.tags]
    assert tags.count("script") == 1 and tags.count("style") == 1 and "img" not in tags
    assert not [a for _, attrs in parsed.tags for a in attrs if a.startswith("on")]
    assert not [a for _, attrs in parsed.tags for a in attrs if a == "style"]
    csp = next(attrs["content"] for t, attrs in parsed.tags
               if t == "meta" and attrs.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None and csp.startswith("default-src 'none'; ")
    assert f"script-src {csp_hash(parsed.inline['script'][0])};" in csp
    assert f"style-src {csp_hash(parsed.inline['style'][0])};" in csp
    hrefs = [attrs["href"] for t, attrs in parsed.tags if t == "a" and attrs.get("href")]
    assert all(h.startswith(("#", "https:", "mailto:")) for h in hrefs)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>alert" not in text and "<img" not in text


def test_report_follows_the_meeting_filters(tmp_path: Path) -> None:
    """`--person Dias` keeps his four meetings and says so under the title."""
    out = tmp_path / "dias.html"
    result = invoke(["report", "-o", str(out), "--person", "Dias"], log=SAMPLE)
    assert result.exit_code == 0
    assert result.stderr == f"Wrote {out}\n"
    text = out.read_text("utf-8")
    assert '<p class="meta">Meetings: with Jerry Dias</p>' in text
    assert '<p id="meeting-count" role="status">4 meetings</p>' in text
    table = text[text.index('id="meeting-table"'):]
    assert re.findall(r"<tr><td>([^<]*)</td>", table[:table.index("</table>")]) == ["2017", "2017", "2017", "2017-12-14"]


def test_report_without_graphviz_warns_and_keeps_the_rest(tmp_path: Path) -> None:
    """With no `dot` on PATH the report is written with a note in place of the graph, and a warning."""
    out = tmp_path / "r.html"
    result = invoke(["report", "-o", str(out)], log=SAMPLE, PATH=str(tmp_path))
    assert result.exit_code == 0
    assert result.stderr.startswith("warning: The network graph could not be drawn: the SVG graph is drawn by "
                                    "Graphviz, and its `dot` command is not installed")
    text = out.read_text("utf-8")
    assert "<svg" in text and 'class="legend"' in text and "Every meeting" in text


def test_report_needs_an_output_file() -> None:
    """Leaving out -o is a usage error."""
    result = invoke(["report"], log=SAMPLE)
    assert result.exit_code == 2
    assert "Missing option '--output'" in result.output


def test_report_data_of_the_sample() -> None:
    """The figures, the timeline's granularity, sections most active first, and the filters in words."""
    import datetime as dt
    from nafta_log import query, store
    from nafta_log.report import build_report, describe, granularity
    lg = store.load(SAMPLE).log
    ms = query.select_meetings(lg, query.MeetingQuery())
    rep = build_report(lg, ms, dt.date(2017, 12, 12))
    o = rep.overview
    assert (o.meetings, o.counted, o.stakeholders, o.pairs, o.topics, str(o.first), str(o.last)) == (
        8, 8, 8, 8, 5, "2017", "2018")
    assert rep.timeline.by == "month" and rep.graph_svg is None and rep.graph_note == ""
    assert [(s.stakeholder.name, s.meetings) for s in rep.sections[:2]] == [("Wilbur Ross", 5), ("Jerry Dias", 4)]
    assert rep.sections[1].role == "President, Unifor (CA)"
    assert rep.sections[1].counterparts == (("wilbur-ross", 4),)
    assert granularity([m._replace(date=m.date.__class__(2010)) for m in ms[:1]] + ms) == "quarter"
    q = query.MeetingQuery(people=("jerry-dias",), topics=("nafta",), start=dt.date(2017, 1, 1), search="rules")
    assert describe(lg, q) == "with Jerry Dias; about NAFTA renegotiation; from 2017-01-01; text contains 'rules'"
    assert describe(lg, query.MeetingQuery()) == ""
