"""Make docs/report.png: the sample log's report as headless Chromium shows it.

    .venv/bin/python docs/screenshot.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def main() -> None:
    """Write the sample report to a temporary file and screenshot its first screens."""
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "report.html"
        subprocess.run([sys.executable, "-m", "nafta_log", "report", "-o", str(html), "--log", str(REPO / "data")],
                       check=True, env={"NAFTA_LOG_TODAY": "2017-12-12", "PATH": "/usr/bin:/bin"})
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1100, "height": 1900})
            page.goto(html.as_uri())
            page.screenshot(path=str(REPO / "docs" / "report.png"))
            browser.close()


if __name__ == "__main__":
    main()
