"""Imports from public registries: one module per preset, shared cleaning in `normalize`, the engine in `core`.

    from nafta_log import importers
    report = importers.import_csv(Path("log"), Path("MixedProcessedData.csv"), preset="uk-ministers")
    print("\\n".join(importers.core.summary_lines(report)))
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from nafta_log import store
from nafta_log.errors import UsageError
from nafta_log.importers import core

PRESETS = {"uk-ministers": "uk_ministers", "uk-quarterly": "uk_quarterly", "eu-mep": "eu_mep"}


def parse_csv(path: Path, preset: str | None, **options: Any) -> core.Parsed:
    """Read a CSV file with a preset's rules, or with the columns named by `mapping` (--map) when there is none."""
    if preset is None:
        if not options.get("mapping"):
            raise UsageError("say how to read the file: --preset NAME (uk-ministers, uk-quarterly, eu-mep) "
                             "or --map COLUMN=FIELD for each column to import")
        from nafta_log.importers import mapped
        return mapped.parse(path, **options)
    if options.get("mapping"):
        raise UsageError("give --preset or --map, not both")
    if options.get("quarter") and preset != "uk-quarterly":
        raise UsageError("--quarter is for --preset uk-quarterly, whose files may give months without a year")
    if preset not in PRESETS:
        known = ", ".join(PRESETS)
        raise UsageError(f"unknown preset {preset!r}; the presets are {known}")
    module = importlib.import_module(f"nafta_log.importers.{PRESETS[preset]}")
    return module.parse(path, **options)


def import_csv(root: Path, path: Path, preset: str | None, *, dry_run: bool = False,
               progress: core.Progress | None = None, **options: Any) -> core.Report:
    """Import a CSV file into the log at `root` under its lock; with `dry_run`, plan it and write nothing."""
    parsed = parse_csv(path, preset, date_order=store.load_settings(root)[0].date_order, **options)
    with store.locked(root):
        log = store.load(root).log
        plan = core.plan(log, parsed, progress)
        if not dry_run:
            core.apply(root, plan, progress)
    return core.Report(path.name, preset or "mapped", parsed, plan, dry_run)
