"""The report as one self-contained HTML page: no network, every field escaped, a strict Content-Security-Policy.

The page is complete without scripts (every meeting is in the table, in date order); its one inline script,
allowed by hash, adds searching and sorting. Only http, https and mailto sources become links.
"""

from __future__ import annotations

import base64
import hashlib
import html
from importlib import resources
from typing import Iterable
from urllib.parse import urlsplit

from nafta_log.model import Log, Meeting
from nafta_log.network import Matrix
from nafta_log.report import Report, Section
from nafta_log.safe import visible
from nafta_log.timeline import Series, Timeline

LINK_SCHEMES = ("http", "https", "mailto")
LONG = 1000  # meetings; longer reports lay out their lower sections only when scrolled to (see report.css)
BAR_STEPS = 50  # bar widths are classes .b0-.b50 (2% steps): inline styles would break the CSP


def e(text: object) -> str:
    """Untrusted text for HTML text or a quoted attribute: invisible characters made visible, markup escaped."""
    return html.escape(visible(str(text) if text is not None else ""), quote=True)


def safe_url(url: str | None) -> str | None:
    """`url` when it is an http, https or mailto URL with no invisible characters; None otherwise."""
    if not url:
        return None
    text = url.strip()
    if visible(text) != text:
        return None
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return None
    return text if scheme in LINK_SCHEMES else None


def asset(name: str) -> str:
    """The text of a file shipped in nafta_log/assets."""
    return resources.files("nafta_log").joinpath("assets", name).read_text("utf-8")


def csp_hash(text: str) -> str:
    """The CSP source expression allowing exactly this inline script or style."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def bar_css() -> str:
    """The width classes of the chart bars."""
    return "".join(f".b{i}{{width:{i * 100 // BAR_STEPS}%}}" for i in range(BAR_STEPS + 1))


def bar(n: int, peak: int) -> str:
    """A bar for `n` of at most `peak`, as a span with a width class (empty for zero)."""
    if n <= 0 or peak <= 0:
        return ""
    return f'<span class="bar b{max(1, round(BAR_STEPS * n / peak))}"></span>'


def page(report: Report) -> str:
    """The whole HTML page of `report`."""
    css = asset("report.css") + bar_css()
    script = asset("report.js")
    policy = (f"default-src 'none'; style-src {csp_hash(css)}; script-src {csp_hash(script)}; img-src data:; "
              "base-uri 'none'; form-action 'none'")
    lg = report.log
    title = f"{report.title}: who met whom"
    sections = [("overview", "Overview", overview(report)), ("timeline", "Timeline", timeline_html(report.timeline)),
                ("matrix", "Who met whom", matrix_html(report.matrix)), ("network", "Network", network_html(report)),
                ("topics", "Topics", topics_html(report)), ("people", "Stakeholders", people_html(report)),
                ("meetings", "Every meeting", meetings_html(lg, report.meetings))]
    nav = "".join(f'<li><a href="#{sid}">{e(name)}</a></li>' for sid, name, _ in sections)
    body = "".join(f'<section id="{sid}" aria-labelledby="{sid}-h"><h2 id="{sid}-h">{e(name)}</h2>{content}</section>'
                   for sid, name, content in sections)
    filters = f'<p class="meta">Meetings: {e(report.filters)}</p>' if report.filters else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{e(policy)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        '<link rel="icon" href="data:,">'
        f"<title>{e(title)}</title><style>{css}</style></head>\n"
        '<body><a class="skip" href="#meetings">Skip to the table of meetings</a>'
        f"<header><h1>{e(title)}</h1>"
        f'<p class="meta">Report made by nafta-log on {report.generated.isoformat()}.</p>{filters}'
        f'<nav aria-label="Sections"><ol>{nav}</ol></nav></header>\n'
        f"<main{' class=long' if len(report.meetings) > LONG else ''}>{body}</main>\n"
        '<footer><p>Every figure counts held and scheduled meetings; cancelled meetings are listed but not counted. '
        "Dates known only to the month or year are counted only in periods they certainly fall in.</p></footer>\n"
        f"<script>{script}</script></body></html>\n")


def overview(report: Report) -> str:
    """The headline figures as a description list."""
    o = report.overview
    span = f"{o.first} to {o.last}" if o.first and o.last and o.first != o.last else str(o.first or "none")
    figures = [("Meetings", f"{o.meetings}"), ("Stakeholders who met", o.stakeholders), ("Pairs who met", o.pairs),
               ("Topics", o.topics), ("From – to", span)]
    items = "".join(f"<div><dt>{e(k)}</dt><dd>{e(v)}</dd></div>" for k, v in figures)
    note = ""
    if o.counted != o.meetings:
        note = f'<p class="note">{o.meetings - o.counted} cancelled meeting(s) are listed but not counted.</p>'
    return f'<dl class="figures">{items}</dl>{note}'


def series_rows(tl: Timeline, s: Series, peak: int, only_nonzero: bool = False) -> Iterable[tuple[str, int, bool]]:
    """(label, count, unknown) for each period of `tl` and each unknown bucket, in order."""
    for p in tl.periods:
        n = s.counts.get(p, 0)
        if n or not only_nonzero:
            yield p.label(), n, False
    for u in tl.unknown:
        n = s.unknown.get(u, 0)
        if n or not only_nonzero:
            yield u.label(), n, True


def timeline_html(tl: Timeline) -> str:
    """The meetings per period as a table of bars, a line per period and per unknown bucket."""
    if not tl.series or not tl.series[0].total:
        return "<p>No meetings.</p>"
    s = tl.series[0]
    peak = max(list(s.counts.values()) + list(s.unknown.values()))
    rows = "".join(f'<tr{" class=unknown" if unknown else ""}><th scope="row">{e(label)}</th>'
                   f'<td class="track">{bar(n, peak)}</td><td class="n">{n}</td></tr>'
                   for label, n, unknown in series_rows(tl, s, peak))
    note = ""
    if tl.unknown:
        note = (f'<p class="note">Meetings whose date is known only to a coarser period than a {tl.by} are counted '
                f'apart, on the "{tl.by} unknown" lines: never spread or guessed.</p>')
    return (f'<table class="chart"><caption>Meetings per {tl.by} ({s.total} in all)</caption>'
            f'<thead><tr><th scope="col">{tl.by.capitalize()}</th><th scope="col">Chart</th>'
            f'<th scope="col" class="n">Meetings</th></tr></thead><tbody>{rows}</tbody></table>{note}')


def heat_class(n: int, peak: int) -> str:
    """h0 for none, then h1-h5 from one shared meeting to the most."""
    return "h0" if n <= 0 or peak <= 0 else f"h{min(5, (n * 5 - 1) // peak + 1)}"


def matrix_html(mx: Matrix) -> str:
    """The who-met-whom matrix as a table: abbreviations on both axes (with the full name), a key below."""
    if not mx.ids:
        return "<p>No meetings.</p>"
    peak = max((n for row in mx.counts for n in row), default=0)
    head = "".join(f'<th scope="col"><abbr title="{e(n)}">{e(a)}</abbr></th>'
                   for a, n in zip(mx.abbreviations, mx.names))
    rows = []
    for i, (a, name) in enumerate(zip(mx.abbreviations, mx.names)):
        cells = "".join("<td>–</td>" if i == j else f'<td class="{heat_class(n, peak)}">{n if n else "·"}</td>'
                        for j, n in enumerate(mx.counts[i]))
        rows.append(f'<tr><th scope="row"><abbr title="{e(name)}">{e(a)}</abbr></th>{cells}</tr>')
    key = "".join(f"<li><b>{e(a)}</b> {e(n)} ({t})</li>" for a, n, t in zip(mx.abbreviations, mx.names, mx.totals))
    return (f'<table class="matrix"><caption>Shared meetings of the {len(mx.ids)} most active stakeholders'
            f'</caption><thead><tr><td></td>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
            f'<ul class="key">{key}</ul>')


def network_html(report: Report) -> str:
    """The network graph: Graphviz's SVG inline (its text escaped by Graphviz), with a legend and a note."""
    g = report.graph
    note = f'<p class="note">{e(report.graph_note)}</p>' if report.graph_note else ""
    legend = "".join(f'<li><svg class="swatch" viewBox="0 0 1 1" aria-hidden="true"><rect width="1" height="1" '
                     f'fill="{c}"/></svg> {e(grp)}</li>' for grp, c in g.colours.items())
    figure = ""
    if report.graph_svg:
        figure = (f'<figure class="graph" role="group" aria-label="Network of stakeholders">{report.graph_svg}'
                  "<figcaption>A circle per stakeholder, sized by meetings (the number inside); a line per pair "
                  "that met, thicker for more shared meetings.</figcaption></figure>")
    if not g.nodes:
        return "<p>No meetings.</p>"
    return note + figure if figure else f'{note}<p>Colour by {e(g.grouping)}:</p><ul class="legend">{legend}</ul>'


def topics_html(report: Report) -> str:
    """The per-topic summary table."""
    lg = report.log
    rows = "".join(f'<tr><th scope="row">{e(r.topic.name)}</th><td class="n">{r.meetings}</td><td class="d">{e(r.first)}</td>'
                   f'<td class="d">{e(r.last)}</td><td>{e(", ".join(f"{lg.name_of(p)} ({n})" for p, n in r.top))}</td></tr>'
                   for r in report.topics)
    if not rows:
        return "<p>No topics.</p>"
    return ('<table><thead><tr><th scope="col">Topic</th><th scope="col" class="n">Meetings</th><th scope="col">'
            'First</th><th scope="col">Last</th><th scope="col">Most involved</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def person_html(report: Report, sec: Section, index: int) -> str:
    """One stakeholder: role, meetings, their timeline (periods with meetings only), counterparts and topics."""
    lg = report.log
    s = sec.stakeholder
    tl = report.timeline._replace(series=(sec.series,))
    peak = max(list(sec.series.counts.values()) + list(sec.series.unknown.values()) + [1])
    periods = "".join(f'<li{" class=unknown" if unknown else ""}>{e(label)} {bar(n, peak * 3)} {n}</li>'
                      for label, n, unknown in series_rows(tl, sec.series, peak, only_nonzero=True))
    met = ", ".join(f"{e(lg.name_of(p))} ({n})" for p, n in sec.counterparts)
    about = ", ".join(f"{e(lg.topic_name(t))} ({n})" for t, n in sec.topics)
    role = f'<p class="meta">{e(sec.role)}</p>' if sec.role else ""
    return (f'<article class="person" id="p-{index}" aria-labelledby="p-{index}-h"><h3 id="p-{index}-h">'
            f"{e(s.name)} <small>({sec.meetings} meeting{'s' if sec.meetings != 1 else ''})</small></h3>{role}"
            f'<ul class="periods" aria-label="Meetings per {e(tl.by)}">{periods}</ul>'
            + (f"<p>Met most: {met}</p>" if met else "") + (f"<p>About: {about}</p>" if about else "")
            + "</article>")


def people_html(report: Report) -> str:
    """A section per stakeholder who met anyone, most active first."""
    if not report.sections:
        return "<p>No meetings.</p>"
    return "".join(person_html(report, sec, i) for i, sec in enumerate(report.sections))


def sources_html(m: Meeting) -> str:
    """The meeting's sources: a link where the URL is http, https or mailto, plain text otherwise; a list if several."""
    items = []
    for s in m.sources:
        label = " – ".join(visible(x) for x in (s.publisher, s.title) if x) or visible(s.url) or "source"
        if s.published:
            label += f" ({s.published})"
        url = safe_url(s.url)
        if url:
            items.append(f'<a href="{html.escape(url, quote=True)}">{html.escape(label)}</a>')
        else:
            items.append(html.escape(label + (f" {visible(s.url)}" if s.url else "")))
    if len(items) < 2:
        return "".join(items)
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def date_cell(m: Meeting) -> str:
    """The meeting's date as text; a multi-day one may wrap after its "..", never inside a date."""
    if m.end is not None and m.end != m.date.as_date():
        return f'<span class="nw">{m.date}..</span><wbr><span class="nw">{m.end.isoformat()}</span>'
    return str(m.date)


def meetings_html(lg: Log, meetings: Iterable[Meeting]) -> str:
    """Every meeting in date order, with its sources; sortable and searchable when the script runs.

    Rows are kept lean (no classes but for cancelled meetings): a large log has thousands. ISO dates sort right
    as text ("2017" before "2017-01" before "2017-01-01"), so the script sorts every column by its text.
    """
    ms = list(meetings)
    rows = []
    for m in ms:
        status = '<td class="cancelled">' if m.status == "cancelled" else "<td>"
        rows.append(f"<tr><td>{date_cell(m)}</td><td>{e(m.title)}</td>"
                    f'<td>{e(", ".join(lg.name_of(p) for p in m.participants))}</td>'
                    f'<td>{e(", ".join(lg.topic_name(t) for t in m.topics))}</td><td>{e(m.location)}</td>'
                    f"{status}{e(m.status)}</td><td>{sources_html(m)}</td></tr>")
    head = "".join(f'<th scope="col">{c}</th>' for c in ("Date", "Title", "Who", "Topics", "Location", "Status",
                                                          "Sources"))
    return (f'<p id="meeting-count" role="status">{len(ms)} meetings</p>'
            f'<table id="meeting-table" class="meetings"><caption>Every meeting, in date order</caption>'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')
