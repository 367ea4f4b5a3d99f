"""A copy of the sample log with hostile text in every field a picture or report shows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import tomli_w

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


def add_hostile_records(root: Path) -> None:
    """Add two stakeholders, a topic and two meetings whose text is markup, to the log at `root`."""
    (root / "stakeholders" / "evil-script.toml").write_text(tomli_w.dumps({
        "kind": "person", "name": SCRIPT, "aliases": ["Evil"], "country": IMG,
        "description": f"{SCRIPT} {IMG}", "roles": [{"title": IMG, "organization": "evil-img"}]}), "utf-8")
    (root / "stakeholders" / "evil-img.toml").write_text(tomli_w.dumps({
        "kind": "organization", "name": IMG, "country": SCRIPT}), "utf-8")
    with (root / "topics.toml").open("a", encoding="utf-8") as f:
        f.write("\n" + tomli_w.dumps({"topics": {"evil": {"name": f"</title>{SCRIPT}"}}}))
    sources = [{"publisher": SCRIPT, "title": IMG, "url": "javascript:alert(1)"},
               {"publisher": "Example & Co", "title": "A <b>safe</b> link", "url": "https://example.org/?a=1&b=<x>"},
               {"publisher": "Mail", "title": "mail the editor", "url": "mailto:editor@example.org"},
               {"publisher": "Data", "title": "data URL", "url": "data:text/html,<script>alert(1)</script>"}]
    for mid, title, day in (("2017-11-02-evil-0001", SCRIPT, 2), ("2017-11-03-evil-0002", IMG, 3)):
        (root / "meetings" / "2017" / f"{mid}.toml").write_text(tomli_w.dumps({
            "title": title, "date": dt.date(2017, 11, day), "status": "held",
            "participants": ["evil-script", "evil-img", "jerry-dias"], "topics": ["evil", "nafta"],
            "location": IMG, "summary": f"{SCRIPT}\n{IMG}", "sources": sources}), "utf-8")
