"""The console script: starts the index's freshness check before importing the command line (see index.py)."""

import gc
import os
import sys
from pathlib import Path

# Commands that read the index (and whether they need the meetings in it); the rest start nothing early.
_EARLY = {"meetings": True, "show": True, "people": True, "person": True, "topics": True, "who": True,
          "add": False}


def main() -> None:
    """Start the scan for changed files, so it runs on the other core while Typer and Rich import."""
    # Start-up allocates tens of thousands of objects that live as long as the process (modules, classes, Typer's
    # and Rich's tables), and Python's cyclic collector, at its default pace (every 700 net allocations), walks
    # them again and again while they load: about 10 ms of a command that should take the time of its imports.
    # Collecting every 50,000 allocations instead keeps memory bounded in long commands too.
    gc.set_threshold(50_000, 20, 20)
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
