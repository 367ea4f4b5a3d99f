"""The console script: starts the index's freshness check before importing the command line (see index.py)."""

import os
import sys
from pathlib import Path

# Commands that read the index (and whether they need the meetings in it); the rest start nothing early.
_EARLY = {"meetings": True, "show": True, "people": True, "person": True, "topics": True, "who": True,
          "add": False}


def main() -> None:
    """Start the scan for changed files, so it runs on the other core while Typer and Rich import."""
    argv = sys.argv[1:]
    name = next((a for a in argv if a != "--debug"), None)
    if name in _EARLY:
        _prestart(argv, _EARLY[name])
    from nafta_log.cli import main as cli_main
    cli_main()


def _prestart(argv: list[str], meetings: bool) -> None:
    """Best effort: any problem here is reported properly by the command itself."""
    try:
        from nafta_log import scan, store
        log = None
        for i, arg in enumerate(argv):
            if arg == "--log" and i + 1 < len(argv):
                log = argv[i + 1]
            elif arg.startswith("--log="):
                log = arg[len("--log="):]
        scan.start_scan(store.find_root(log, os.environ, Path.cwd()), meetings, keep=True)
    except Exception:  # noqa: BLE001
        pass
