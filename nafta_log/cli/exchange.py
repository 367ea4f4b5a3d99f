"""Commands that move records in and out of the log: import csv."""


import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from nafta_log.cli.common import LogOption, root_of


def import_csv(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The CSV file to import.")],
    preset: Annotated[Optional[str], typer.Option("--preset", metavar="NAME",
                      help="The rules of a known registry: uk-ministers, uk-quarterly or eu-mep.")] = None,
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
    """
    from nafta_log import importers
    from nafta_log.importers.core import summary_lines
    from nafta_log.safe import visible
    root = root_of(log)
    options = {"quarter": quarter} if quarter else {}
    if sys.stderr.isatty():
        from nafta_log.render import progress_bar
        with progress_bar(sys.stderr, f"importing {file.name}") as progress:
            report = importers.import_csv(root, file, preset, dry_run=dry_run, progress=progress, **options)
    else:
        report = importers.import_csv(root, file, preset, dry_run=dry_run, **options)
    for line in summary_lines(report):
        print(visible(line))
