"""Commands that move records in and out of the log: import csv."""


import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from nafta_log.cli.common import LogOption, root_of, today


def import_csv(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The CSV file to import.")],
    preset: Annotated[Optional[str], typer.Option("--preset", metavar="NAME",
                      help="The rules of a known registry: uk-ministers, uk-quarterly or eu-mep.")] = None,
    mapping: Annotated[Optional[list[str]], typer.Option("--map", metavar="COLUMN=FIELD",
                       help="Without --preset: the column holding a field (title, date, person, organization, "
                            "location, summary); repeat for each column.")] = None,
    quarter: Annotated[Optional[str], typer.Option("--quarter", metavar="YYYYQN",
                       help="uk-quarterly: the quarter the file covers (2013Q2), for dates without a year.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and plan the import, print the summary, "
                                                            "write nothing.")] = False,
    log: LogOption = None,
) -> None:
    """Import meetings and stakeholders from a CSV file, then print a summary of what was done.

    Every imported meeting records its source file and row, so importing the same file again adds nothing.

    Examples:

      nafta-log import csv MixedProcessedData.csv --preset uk-ministers

      nafta-log import csv pmmeetingsjanmar.csv --preset uk-quarterly --quarter 2013Q1

      nafta-log import csv mepmeetings.csv --preset eu-mep --dry-run

      nafta-log import csv calls.csv --map When=date --map Who=person --map Firm=organization --map About=title
    """
    from nafta_log import importers
    from nafta_log.importers.core import summary_lines
    from nafta_log.safe import visible
    root = root_of(log)
    options = {"quarter": quarter, "mapping": mapping, "today": today()}
    if sys.stderr.isatty():
        from nafta_log.render import progress_bar
        with progress_bar(sys.stderr, f"importing {file.name}") as progress:
            report = importers.import_csv(root, file, preset, dry_run=dry_run, progress=progress, **options)
    else:
        report = importers.import_csv(root, file, preset, dry_run=dry_run, **options)
    for line in summary_lines(report):
        print(visible(line))


def merge(
    keep: Annotated[str, typer.Argument(metavar="A", help="The stakeholder to keep (name, alias or id).")],
    drop: Annotated[str, typer.Argument(metavar="B", help="The stakeholder to merge into A and remove.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would change, write nothing.")] = False,
    log: LogOption = None,
) -> None:
    """Merge stakeholder B into A: every meeting and role naming B names A, and B's names become A's aliases.

    Examples:

      nafta-log merge CBI "Confederation of British Industry"

      nafta-log merge lord-popat-of-harrow lord-popat --dry-run
    """
    from nafta_log.merge import merge as merge_stakeholders
    from nafta_log.safe import visible
    done = merge_stakeholders(root_of(log), keep, drop, dry_run=dry_run)
    verb = "Would merge" if dry_run else "Merged"
    print(visible(f"{verb} {done.removed} into {done.kept}: {done.meetings} meetings and {done.stakeholders} "
                  f"other stakeholders' roles rewritten" + (" (nothing was written)" if dry_run else "")))
