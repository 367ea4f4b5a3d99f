"""Commands that move records in and out of the log: import csv, import json, merge, export."""


import enum
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from nafta_log.cli.common import CommitOption, LogOption, print_commit, root_of, today
from nafta_log.cli.queries import (FromFilter, LocationFilter, PersonFilter, SearchFilter, StatusFilter, ToFilter,
                                    TopicFilter, YearFilter)


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
    commit: CommitOption = False,
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
    from nafta_log import gitlog
    root = root_of(log)
    committing = not dry_run and gitlog.check_commit(root, commit)
    options = {"quarter": quarter, "mapping": mapping, "today": today()}
    if sys.stderr.isatty():
        from nafta_log.render_progress import progress_bar
        with progress_bar(sys.stderr, f"importing {file.name}") as progress:
            report = importers.import_csv(root, file, preset, dry_run=dry_run, progress=progress, **options)
    else:
        report = importers.import_csv(root, file, preset, dry_run=dry_run, **options)
    for line in summary_lines(report):
        print(visible(line))
    if committing:
        from nafta_log import store
        plan = report.plan
        paths = [store.stakeholder_path(root, s.id) for s in (*plan.new_stakeholders, *plan.changed_stakeholders)]
        paths += [store.meeting_path(root, m) for m in plan.meetings]
        print_commit(gitlog.commit_change(root, paths, f"Import {len(plan.meetings)} meetings from "
                                          f"{visible(file.name)}", requested=commit))


def merge(
    keep: Annotated[str, typer.Argument(metavar="A", help="The stakeholder to keep (name, alias or id).")],
    drop: Annotated[str, typer.Argument(metavar="B", help="The stakeholder to merge into A and remove.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would change, write nothing.")] = False,
    commit: CommitOption = False,
    log: LogOption = None,
) -> None:
    """Merge stakeholder B into A: every meeting and role naming B names A, and B's names become A's aliases.

    Examples:

      nafta-log merge CBI "Confederation of British Industry"

      nafta-log merge lord-popat-of-harrow lord-popat --dry-run
    """
    from nafta_log import gitlog
    from nafta_log.merge import merge as merge_stakeholders
    from nafta_log.safe import visible
    root = root_of(log)
    before = None if dry_run else gitlog.pending_paths(root, commit)
    done = merge_stakeholders(root, keep, drop, dry_run=dry_run)
    verb = "Would merge" if dry_run else "Merged"
    print(visible(f"{verb} {done.removed} into {done.kept}: {done.meetings} meetings and {done.stakeholders} "
                  f"other stakeholders' roles rewritten" + (" (nothing was written)" if dry_run else "")))
    print_commit(gitlog.commit_new_changes(root, before, f"Merge {visible(done.removed)} into {visible(done.kept)}",
                                           commit))


class ExportFormat(str, enum.Enum):
    """Formats of `export`."""

    ics = "ics"
    json = "json"
    csv = "csv"
    sqlite = "sqlite"


def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="ics, json, csv or sqlite.",
                                              case_sensitive=False)],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE",
                      help="Write to FILE (replaced if it exists) instead of stdout; required for sqlite.")] = None,
    person: PersonFilter = None,
    topic: TopicFilter = None,
    from_: FromFilter = None,
    to: ToFilter = None,
    year: YearFilter = None,
    status: StatusFilter = None,
    location: LocationFilter = None,
    search: SearchFilter = None,
    log: LogOption = None,
) -> None:
    """Export the log, or the meetings the filters select, for calendars, spreadsheets, scripts or Datasette.

    json holds every record (and `import json` reads it back); csv the meetings; ics one event per meeting
    known to the day; sqlite a database with a full-text index. With filters, the export holds the selected
    meetings and the stakeholders and topics they name.

    Examples:

      nafta-log export --format ics --person Dias -o dias.ics

      nafta-log export --format sqlite -o log.db

      nafta-log export --format json > log.json
    """
    import datetime as dt
    from nafta_log import export as ex
    from nafta_log import query
    from nafta_log.cli.common import open_index, warning
    from nafta_log.cli.queries import meeting_query
    from nafta_log.errors import UsageError
    ix = open_index(log)
    q = meeting_query(ix, person, topic, from_, to, year, status, location, search, None)
    lg = ix.full_log()
    whole = q == query.MeetingQuery()
    sel = ex.select(lg, query.select_meetings(lg, q), whole)
    if fmt is ExportFormat.sqlite:
        if output is None:
            raise UsageError("--format sqlite needs --output FILE (a database is not printed)")
        for note in _write_database(lg, sel, output):
            warning(f"left out the link {note}")
        print(f"Wrote {len(sel.meetings)} meetings to {output}", file=sys.stderr)
        return
    if fmt is ExportFormat.ics:
        stamp = dt.datetime.combine(today(), dt.time(0), tzinfo=dt.timezone.utc)  # the same file all day
        text, left_out = ex.to_ics(lg, sel, stamp)
        if left_out:
            warning(f"left out {len(left_out)} meetings known only to the month or year (a calendar needs a day): "
                    + ", ".join(m.id for m in left_out[:5]) + (" ..." if len(left_out) > 5 else ""))
    else:
        text = ex.to_json(lg, sel) if fmt is ExportFormat.json else ex.to_csv(lg, sel)
    if output is None:
        sys.stdout.write(text)
    else:
        from nafta_log.store import write_file
        write_file(output, text, overwrite=True)
        print(f"Wrote {len(sel.meetings)} meetings to {output}", file=sys.stderr)


def _write_database(lg, sel, output: Path) -> list[str]:  # type: ignore[no-untyped-def]
    """Build the database beside `output` and move it into place, so a failed export leaves no half file."""
    import os
    import tempfile
    from nafta_log import export as ex
    from nafta_log.errors import NaftaLogError
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.resolve().parent)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        raise NaftaLogError(f"cannot write {output}: {exc.strerror}") from None
    try:
        dropped = ex.write_sqlite(lg, sel, Path(tmp))
        os.replace(tmp, output)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return dropped


def import_json(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A file made by `nafta-log export --format json`.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print what would be added, write nothing.")] = False,
    commit: CommitOption = False,
    log: LogOption = None,
) -> None:
    """Import the records of an `export --format json` file that the log does not have yet (by id).

    Example:

      nafta-log export --format json --log old-log > log.json && nafta-log import json log.json
    """
    from nafta_log import gitlog
    from nafta_log.importers.jsonfile import import_json as run, summary_lines
    from nafta_log.safe import visible
    root = root_of(log)
    before = None if dry_run else gitlog.pending_paths(root, commit)
    report = run(root, file, dry_run=dry_run)
    for line in summary_lines(report, file.name):
        print(visible(line))
    print_commit(gitlog.commit_new_changes(root, before, f"Import {report.meetings} meetings from {visible(file.name)}",
                                           commit))
