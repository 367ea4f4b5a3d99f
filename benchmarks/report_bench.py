"""Benchmark (not a test): the HTML report of a large log, its file size and its time to usable in Chromium.

    .venv/bin/python benchmarks/report_bench.py [--log DIR] [--meetings 7654] [--runs 5]

Without --log it writes a synthetic log of --meetings meetings with benchmarks/gen_log.py (seed 1) into a
temporary folder. It then runs `nafta-log report` once (timed), and opens the file in Debian's headless
Chromium (/usr/bin/chromium, driven by Playwright) --runs times, each in a fresh browser context.

"Usable" is when the page has loaded (the load event) and its script has run: the table of every meeting is
searchable and sortable (the script marks <html data-ready="yes"> as its last step). The time runs from just
before navigation to then, measured in Python. The stakeholder sections and the table are laid out when they come
into view (CSS content-visibility), so it also times a jump to the table (the nav link, until two frames are
drawn) and one search on it (typing a name until the count updates).
Required: file < 5 MB, time to usable < 3 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
MAX_BYTES = 5_000_000
MAX_SECONDS = 3.0


def make_report(log: Path, out: Path) -> float:
    """Run `nafta-log report` on `log`; return its wall time in seconds."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nafta_log", "report", "-o", str(out), "--log", str(log)], check=True,
                   env={**os.environ, "NAFTA_LOG_TODAY": "2020-01-01"})
    return time.perf_counter() - start


def open_in_chromium(report: Path, runs: int) -> tuple[list[float], list[float], list[float], int]:
    """Per run: time to usable, time to show the table after a jump to it, one search; and the table's rows."""
    from playwright.sync_api import sync_playwright
    usable: list[float] = []
    jump: list[float] = []
    search: list[float] = []
    rows = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            start = time.perf_counter()
            page.goto(report.as_uri(), wait_until="load", timeout=60_000)
            page.wait_for_selector("html[data-ready=yes]", state="attached", timeout=60_000)
            usable.append(time.perf_counter() - start)
            rows = page.locator("#meeting-table tbody tr").count()
            start = time.perf_counter()
            page.click("nav a[href='#meetings']")
            page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            jump.append(time.perf_counter() - start)
            start = time.perf_counter()
            page.fill("#meeting-search", "dias")
            page.wait_for_function("document.getElementById('meeting-count').textContent.indexOf('match') > 0")
            search.append(time.perf_counter() - start)
            if errors:
                raise SystemExit(f"console errors: {errors[:3]}")
            context.close()
        browser.close()
    return usable, jump, search, rows


def main() -> None:
    """Build or take the log, make the report, open it, and print the figures against the limits."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", type=Path, help="an existing log (default: a synthetic one)")
    parser.add_argument("--meetings", type=int, default=7654, help="meetings in the synthetic log (default 7654)")
    parser.add_argument("--runs", type=int, default=5, help="page loads to time (default 5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        log = args.log
        if log is None:
            log = Path(tmp) / "log"
            subprocess.run([sys.executable, str(HERE / "gen_log.py"), str(log), "--meetings", str(args.meetings)],
                           check=True)
        out = Path(tmp) / "report.html"
        made = make_report(log, out)
        size = out.stat().st_size
        usable, jump, search, rows = open_in_chromium(out, args.runs)
    print(f"log: {log if args.log else f'synthetic, {args.meetings:,} meetings'}; table rows: {rows:,}")
    print(f"nafta-log report: {made:.2f} s")
    print(f"file size: {size:,} bytes ({size / 1e6:.2f} MB; limit 5 MB): {'ok' if size < MAX_BYTES else 'TOO BIG'}")
    med = statistics.median(usable)
    print(f"time to usable in Chromium: median {med:.2f} s, min {min(usable):.2f} s, max {max(usable):.2f} s "
          f"over {len(usable)} loads (limit 3 s): {'ok' if med < MAX_SECONDS else 'TOO SLOW'}")
    print(f"jump to the table of meetings (nav link) until drawn: median {statistics.median(jump):.2f} s")
    print(f"one search ('dias') on the table: median {statistics.median(search):.2f} s")


if __name__ == "__main__":
    main()
