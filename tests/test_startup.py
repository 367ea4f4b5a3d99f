"""What a command imports: nothing it does not use (issue 2's start-up target, issue 4's start-up rule)."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from conftest import TODAY, cells, lines

# Runs the console script's entry point, then reports which of the heavy libraries were imported.
PROBE = """\
import json, sys
sys.argv = ["nafta-log", *json.loads(sys.argv[1])]
from nafta_log._entry import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
heavy = ("rich", "rich.console", "rich.table", "dateutil", "pydantic", "tomlkit", "tomli_w", "nafta_log.watch")
print(json.dumps([code, sorted(m for m in heavy if m in sys.modules)]), file=sys.stderr)
"""


def probe(args: list[str], log: Path, *, terminal: bool = False) -> tuple[int, list[str], str]:
    """Run nafta-log in a new process on `log` (stdout a pipe, or a terminal); (exit code, heavy imports, stdout)."""
    env = {**os.environ, "NAFTA_LOG": str(log), "NAFTA_LOG_TODAY": TODAY, "COLUMNS": "200", "TERM": "xterm"}
    for key in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE"):
        env.pop(key, None)
    argv = [sys.executable, "-c", PROBE, json.dumps(args)]
    if not terminal:
        env.pop("COLUMNS")
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
        code, heavy = json.loads(done.stderr.splitlines()[-1])
        return code, heavy, done.stdout
    main, child = pty.openpty()
    with subprocess.Popen(argv, stdout=child, stderr=subprocess.PIPE, text=True, env=env) as proc:
        os.close(child)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal closed: the command has ended
                break
            if not chunk:
                break
            chunks.append(chunk)
        stderr = proc.stderr.read() if proc.stderr else ""
    os.close(main)
    code, heavy = json.loads(stderr.splitlines()[-1])
    return code, heavy, b"".join(chunks).decode()


def test_piped_listing_imports_neither_rich_nor_dateutil(sample: Path) -> None:
    """`meetings --person Dias | ...` prints its table without importing Rich, dateutil, pydantic or tomlkit."""
    code, heavy, out = probe(["meetings", "--person", "Dias"], sample)
    assert code == 0
    assert heavy == []
    rows = [cells(ln) for ln in lines(out)[2:]]
    assert rows[-1] == ["2017-12-14", "Dias and Ross talk auto rules of origin", "Jerry Dias, Wilbur Ross",
                        "Auto sector, Rules of origin, NAFTA renegotiation", "Washington, D.C.", "scheduled"]
    assert [r[0] for r in rows] == ["2017", "2017", "2017", "2017-12-14"]


def test_every_piped_listing_and_json_stays_free_of_rich(sample: Path) -> None:
    """people, topics, who and JSON output are printed without Rich's console (its width table is used for
    non-ASCII text such as the sample's en dashes)."""
    for args in (["people"], ["topics"], ["who", "--person", "Ross"], ["show", "2017-12-14-dias", "-f", "json"],
                 ["person", "Dias", "--format", "json"]):
        code, heavy, out = probe(args, sample)
        assert code == 0 and "rich.console" not in heavy and "dateutil" not in heavy, args
        assert out.strip(), args


def test_a_typed_date_imports_dateutil_only_then(sample: Path) -> None:
    """dateutil is imported for a date typed in words, and the answer is filtered by it."""
    code, heavy, out = probe(["meetings", "--from", "Dec 2017", "--person", "Dias"], sample)
    assert code == 0 and heavy == ["dateutil"]
    assert [cells(ln)[0] for ln in lines(out)[2:]] == ["2017-12-14"]


def test_on_a_terminal_the_listing_is_a_rich_table(sample: Path) -> None:
    """On a terminal the same command draws a styled Rich table (bold titles) with the same meeting."""
    code, heavy, out = probe(["meetings", "--person", "Dias"], sample, terminal=True)
    assert code == 0 and heavy == ["rich", "rich.console", "rich.table"]
    assert "\x1b[1m" in out  # bold: styled for a terminal
    assert "2017-12-14" in out and "Dias and Ross talk auto rules of origin" in out
