"""The `add` commands: a meeting, a person, an organization, a topic."""


import sys
from typing import Annotated, Optional

import typer

from nafta_log import actions
from nafta_log.cli.common import (CommitOption, LogOption, is_interactive, open_index, parse_date_option, print_commit,
                                  today)
from nafta_log.errors import DateError, UsageError
from nafta_log.model import Source
from nafta_log.safe import visible


def _require(value: Optional[str], flag: str, prompt: str) -> str:
    """A required value: the flag's, else asked for on a terminal, else a usage error."""
    if value is not None:
        return value
    if not is_interactive():
        raise UsageError(f"missing {flag} (there is no terminal to ask on)")
    return typer.prompt(prompt)


def meeting(
    title: Annotated[Optional[str], typer.Option("--title", help="What the meeting was about, in a line.")] = None,
    date: Annotated[Optional[str], typer.Option("--date", metavar="DATE",
                    help="2017-12-14, 2017-12, 2017, 'Dec 2017', today, thursday, 'last thursday', '3 days ago'.")] = None,
    end: Annotated[Optional[str], typer.Option("--end", metavar="DATE", help="Last day of a multi-day meeting.")] = None,
    time: Annotated[Optional[str], typer.Option("--time", metavar="HH:MM", help="Start time (24-hour).")] = None,
    timezone: Annotated[Optional[str], typer.Option("--timezone", metavar="ZONE",
                        help="IANA timezone of --time, e.g. America/New_York.")] = None,
    with_: Annotated[Optional[list[str]], typer.Option("--with", "-w", metavar="NAME",
                     help="A participant (id, name, alias or surname); repeat for each.")] = None,
    topic: Annotated[Optional[list[str]], typer.Option("--topic", "-t", metavar="TOPIC",
                     help="A topic of the vocabulary; repeat for each.")] = None,
    location: Annotated[Optional[str], typer.Option("--location", help="Where it took place.")] = None,
    status: Annotated[str, typer.Option("--status", help="scheduled, held or cancelled.")] = "held",
    summary: Annotated[Optional[str], typer.Option("--summary", help="What was said, in your words.")] = None,
    source_publisher: Annotated[Optional[str], typer.Option("--source-publisher", metavar="TEXT")] = None,
    source_title: Annotated[Optional[str], typer.Option("--source-title", metavar="TEXT")] = None,
    source_url: Annotated[Optional[str], typer.Option("--source-url", metavar="URL")] = None,
    source_date: Annotated[Optional[str], typer.Option("--source-date", metavar="DATE",
                           help="When the source was published, as precise as known.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the record; write nothing.")] = False,
    commit: CommitOption = False,
    log: LogOption = None,
) -> None:
    """Add a meeting; on a terminal, asks for a missing title, date or participant.

    Examples:

      nafta-log add meeting --title "Dias and Ross talk autos" --date 2017-12-14 --with Dias --with Ross --topic auto-sector

      nafta-log add meeting --title "Call with USTR" --date "last thursday" --time 10:00 --timezone America/New_York --with Lighthizer --dry-run

      nafta-log add meeting --title "Dias and Ross talk autos" --date 2017-12-14 --with Dias --with Ross --commit
    """
    from nafta_log import dates, iquery, records, tomltext
    ix = open_index(log, meetings=False)
    order = ix.settings().date_order
    title_ = _require(title, "--title", "Title")
    date_ = parse_date_option(_require(date, "--date", "Date"), "--date", order)
    participants = list(with_ or ())
    if not participants:
        typed = _require(None, "--with NAME (at least one participant)", "With (names, separated by commas)")
        participants = [p for p in (x.strip() for x in typed.split(",")) if p]
    end_ = parse_date_option(end, "--end", order)
    if end_ is not None and end_.day is None:
        raise UsageError(f"--end must be a day, not {str(end_)!r}")
    try:
        time_ = dates.parse_time(time) if time is not None else None
        zone = dates.parse_timezone(timezone) if timezone is not None else None
    except DateError as exc:
        raise UsageError(f"{'--time' if time and zone_is_fine(timezone) else '--timezone' if timezone else '--time'}: {exc}") from None
    sources = []
    if any(v is not None for v in (source_publisher, source_title, source_url, source_date)):
        sources.append(Source(publisher=actions.clean_text(source_publisher, "--source-publisher"),
                              title=actions.clean_text(source_title, "--source-title"),
                              url=actions.clean_text(source_url, "--source-url", limit=2000),
                              published=parse_date_option(source_date, "--source-date", order)))
    m = actions.new_meeting(iquery.IndexDirectory(ix), title=title_, date=date_, end=end_.first_day() if end_ else None, time=time_,
                            timezone=zone, status=status, participants=participants, topics=list(topic or ()),
                            location=location, summary=summary, sources=sources)
    if dry_run:
        sys.stdout.write(visible(tomltext.dumps(records.meeting_to_table(m)), keep="\n"))
        print(f"(dry run: {m.id} not written)", file=sys.stderr)
        return
    from nafta_log import gitlog
    root = ix.root
    gitlog.check_commit(root, commit)
    m, path = actions.add_meeting(root, m, lambda p: ix.add_files([p]))
    print(f"Added meeting {m.id}")
    print(f"  {path}")
    print_commit(gitlog.commit_change(root, [path], gitlog.describe_change("add", "meeting", m.id, m.title),
                                      requested=commit))


def zone_is_fine(timezone: Optional[str]) -> bool:
    """True when no timezone was given or it is a valid IANA name (so a time error is about --time)."""
    from nafta_log import dates
    if timezone is None:
        return True
    try:
        dates.parse_timezone(timezone)
        return True
    except DateError:
        return False


def _stakeholder(kind: str, name: str, sid: Optional[str], alias: Optional[list[str]], country: Optional[str],
                 description: Optional[str], role: Optional[str], organization: Optional[str],
                 since: Optional[str], dry_run: bool, commit: bool, log: Optional[str]) -> None:
    from nafta_log import iquery, records, tomltext
    ix = open_index(log, meetings=False)
    s = actions.new_stakeholder(iquery.IndexDirectory(ix), kind=kind, name=name, sid=sid, aliases=list(alias or ()), country=country,
                                description=description, role=role, organization=organization,
                                since=parse_date_option(since, "--since", ix.settings().date_order))
    if dry_run:
        sys.stdout.write(visible(tomltext.dumps(records.stakeholder_to_table(s)), keep="\n"))
        print(f"(dry run: {s.id} not written)", file=sys.stderr)
        return
    from nafta_log import gitlog
    root = ix.root
    gitlog.check_commit(root, commit)
    path = actions.add_stakeholder(root, s, lambda p: ix.add_files([p]))
    print(f"Added {kind} {s.id}")
    print(f"  {path}")
    print_commit(gitlog.commit_change(root, [path], gitlog.describe_change("add", kind, s.id, s.name),
                                      requested=commit))


NameArg = Annotated[str, typer.Argument(metavar="NAME", help="The full name.")]
IdOpt = Annotated[Optional[str], typer.Option("--id", help="The id (default: made from the name).")]
AliasOpt = Annotated[Optional[list[str]], typer.Option("--alias", "-a", help="Another name users may type; repeat.")]
CountryOpt = Annotated[Optional[str], typer.Option("--country", metavar="CC", help="ISO 3166 two-letter code.")]
DescOpt = Annotated[Optional[str], typer.Option("--description", help="Who they are, in a sentence.")]
DryOpt = Annotated[bool, typer.Option("--dry-run", help="Show the record; write nothing.")]


def person(name: NameArg, sid: IdOpt = None, alias: AliasOpt = None, country: CountryOpt = None,
           description: DescOpt = None,
           role: Annotated[Optional[str], typer.Option("--role", help="Current title, e.g. President.")] = None,
           organization: Annotated[Optional[str], typer.Option("--organization", "--org",
                                   help="The organization of --role (must be in the log).")] = None,
           since: Annotated[Optional[str], typer.Option("--since", metavar="DATE", help="Since when.")] = None,
           dry_run: DryOpt = False, commit: CommitOption = False, log: LogOption = None) -> None:
    """Add a person.

    Example:

      nafta-log add person "Chrystia Freeland" --alias Freeland --country CA --role "Foreign Minister"
    """
    _stakeholder("person", name, sid, alias, country, description, role, organization, since, dry_run, commit, log)


def organization(name: NameArg, sid: IdOpt = None, alias: AliasOpt = None, country: CountryOpt = None,
                 description: DescOpt = None, dry_run: DryOpt = False, commit: CommitOption = False,
                 log: LogOption = None) -> None:
    """Add an organization.

    Example:

      nafta-log add organization "Global Affairs Canada" --alias GAC --country CA
    """
    _stakeholder("organization", name, sid, alias, country, description, None, None, None, dry_run, commit, log)


def topic(name: NameArg, sid: IdOpt = None, alias: AliasOpt = None, description: DescOpt = None,
          commit: CommitOption = False, log: LogOption = None) -> None:
    """Add a topic to the vocabulary.

    Example:

      nafta-log add topic "Dairy supply management" --alias dairy
    """
    from nafta_log import gitlog
    ix = open_index(log, meetings=False)
    root = ix.root
    gitlog.check_commit(root, commit)
    t, path = actions.add_topic(root, name=name, tid=sid, aliases=list(alias or ()), description=description,
                                written=lambda p: ix.add_files([p]))
    print(f"Added topic {t.id}")
    print(f"  {path}")
    print_commit(gitlog.commit_change(root, [path], gitlog.describe_change("add", "topic", t.id, t.name),
                                      requested=commit))


_ = today  # today() is read by parse_date_option
