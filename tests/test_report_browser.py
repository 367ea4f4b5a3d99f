"""The HTML report in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Skipped, with the reason, only when Chromium or Playwright is missing; `.ci/run` installs both.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import SAMPLE, invoke
from hostile import IMG, SCRIPT, add_hostile_records

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK),
                                reason=f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module's tests."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


class Visit:
    """A page opened on a report, with every console message, page error and dialog it produced."""

    def __init__(self, browser: Any, path: Path, java_script: bool = True) -> None:
        self.context = browser.new_context(java_script_enabled=java_script)
        self.page = self.context.new_page()
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda msg: self.console.append((msg.type, msg.text)))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda req: self.requests.append(req.url))
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def _dialog(self, dialog: Any) -> None:
        """Record and dismiss a dialog (alert, confirm, prompt)."""
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self) -> None:
        """Close the page's context."""
        self.context.close()


def _report(root: Path, out: Path, *args: str) -> Path:
    """Run `nafta-log report` on `root` into `out`."""
    result = invoke(["report", "-o", str(out), *args], log=root)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the sample log."""
    return _report(SAMPLE, tmp_path_factory.mktemp("report") / "r.html")


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of a copy of the sample with markup in titles, names, topics, places and sources."""
    root = tmp_path_factory.mktemp("hostile") / "log"
    shutil.copytree(SAMPLE, root)
    add_hostile_records(root)
    return _report(root, root.parent / "r.html")


def test_sample_report_loads_without_console_errors_and_shows_everything(browser: Any, sample_report: Path) -> None:
    """No console message at all, no request beyond the file; stakeholders, graph and tables are shown."""
    v = Visit(browser, sample_report)
    page = v.page
    assert page.get_attribute("html", "data-ready") == "yes"
    assert page.evaluate("navigator.userAgent").find("Chrome/") > 0
    assert v.console == [] and v.errors == []
    assert v.requests == [sample_report.as_uri()]
    assert page.title() == "NAFTA renegotiation, 2017 (sample log): who met whom"
    people = page.locator("#people h3").all_inner_texts()
    assert people[:2] == ["Wilbur Ross (5 meetings)", "Jerry Dias (4 meetings)"]
    assert len(people) == 8
    graph_text = page.locator("#network svg text").all_text_contents()
    assert {"Jerry Dias", "Wilbur Ross", "Li Keqiang"} <= set(graph_text)
    assert page.locator("#network svg g.edge").count() == 8
    assert page.locator("#meeting-table tbody tr").count() == 8
    assert page.locator("button.more").count() == 2 and not page.locator("button.more").first.is_visible()
    assert page.locator("#topics tbody tr").count() == 5
    assert page.locator("#matrix tbody tr").count() == 8
    assert page.locator("#timeline tbody th").all_inner_texts() == [
        "2017-10", "2017-11", "2017-12", "2017, month unknown", "2018, month unknown"]
    v.close()


def test_meeting_table_sorts_and_searches_from_the_keyboard(browser: Any, sample_report: Path) -> None:
    """Typing in the search box filters rows; Enter on a column's button sorts by it."""
    v = Visit(browser, sample_report)
    page = v.page
    page.focus("#meeting-search")
    page.keyboard.type("KEQIANG")
    rows = page.locator("#meeting-table tbody tr:visible")
    assert rows.count() == 1
    assert "Trudeau meets Premier Li Keqiang in Beijing" in rows.first.inner_text()
    assert page.inner_text("#meeting-count") == "1 of 8 meetings match"
    page.fill("#meeting-search", "")
    date_button = page.locator("#meeting-table thead th button").first
    date_button.focus()
    page.keyboard.press("Enter")
    assert page.get_attribute("#meeting-table thead th >> nth=0", "aria-sort") == "ascending"
    page.keyboard.press("Enter")
    assert page.get_attribute("#meeting-table thead th >> nth=0", "aria-sort") == "descending"
    dates = page.locator("#meeting-table tbody tr td:first-child").all_inner_texts()
    assert dates[0] == "2018" and dates[-1] == "2017"
    assert v.console == [] and v.errors == []
    v.close()


def test_report_is_complete_without_scripts(browser: Any, sample_report: Path) -> None:
    """With JavaScript off, every meeting is in the table in date order, with its source."""
    v = Visit(browser, sample_report, java_script=False)
    page = v.page
    assert page.locator("#meeting-search").count() == 0
    dates = page.locator("#meeting-table tbody tr td:first-child").all_inner_texts()
    assert dates == ["2017", "2017", "2017", "2017-10-11", "2017-12-04", "2017-12-11..2017-12-15", "2017-12-14", "2018"]
    assert "CBC News" in page.inner_text("#meeting-table")
    v.close()


def test_hostile_text_shows_literally_and_runs_nothing(browser: Any, hostile_report: Path) -> None:
    """Markup in titles, names, topics and places is shown as text, in the page and the SVG; no script runs."""
    v = Visit(browser, hostile_report)
    page = v.page
    page.wait_for_timeout(300)
    assert v.dialogs == [] and v.errors == []
    assert v.console == []
    titles = page.locator("#meeting-table tbody tr td:nth-child(2)").all_inner_texts()
    assert SCRIPT in titles and IMG in titles
    assert SCRIPT in page.locator("#network svg text").all_text_contents()
    assert any(h.startswith(IMG) for h in page.locator("#people h3").all_inner_texts())
    assert "</title><script>alert(1)</script>" in page.inner_text("#topics")
    assert page.locator("img").count() == 0
    assert page.locator("script").count() == 1
    assert v.requests == [hostile_report.as_uri()]
    v.close()


def test_only_http_https_and_mailto_sources_become_links(browser: Any, hostile_report: Path) -> None:
    """javascript: and data: URLs stay text; https and mailto ones are links."""
    v = Visit(browser, hostile_report)
    hrefs = set(v.page.eval_on_selector_all("#meeting-table a[href]", "els => els.map(a => a.getAttribute('href'))"))
    assert "https://example.org/?a=1&b=<x>" in hrefs and "mailto:editor@example.org" in hrefs
    assert not any(h.lower().startswith(("javascript:", "data:")) for h in hrefs)
    assert "javascript:alert(1)" in v.page.inner_text("#meeting-table")
    v.close()


def test_long_tables_show_a_page_of_rows_and_more_on_request(browser: Any, tmp_path: Path) -> None:
    """With 268 meetings the script shows 250, says so, and 'Show all' shows the rest; search counts them all."""
    import tomli_w
    root = tmp_path / "log"
    shutil.copytree(SAMPLE, root)
    for i in range(260):
        (root / "meetings" / "2017" / f"2017-05-01-bulk-{i:04x}.toml").write_text(tomli_w.dumps({
            "title": f"Bulk meeting {i}", "date": "2017-05", "participants": ["jerry-dias", "wilbur-ross"]}), "utf-8")
    v = Visit(browser, _report(root, tmp_path / "r.html"))
    page = v.page
    assert page.inner_text("#meeting-count") == "268 meetings; showing the first 250"
    assert page.locator("#meeting-table tbody tr:visible").count() == 250
    page.fill("#meeting-search", "bulk meeting 1")
    assert page.inner_text("#meeting-count") == "111 of 268 meetings match"
    page.fill("#meeting-search", "")
    assert page.inner_text("button.more >> nth=0") == "Show 18 more"
    page.click("text=Show all")
    assert page.locator("#meeting-table tbody tr:visible").count() == 268
    assert page.inner_text("#meeting-count") == "268 meetings"
    assert v.console == [] and v.errors == []
    v.close()
