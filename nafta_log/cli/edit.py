"""The `edit` command: change a meeting, person, organization or topic with flags, or in $EDITOR."""


import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from nafta_log.cli.common import (CommitOption, LogOption, is_interactive, load, parse_date_option, print_commit,
                                  root_of)
from nafta_log.errors import DateError, InvalidEdit, UsageError
from nafta_log.safe import visible

KINDS = ("person", "organization", "topic")
Text = Optional[str]
Many = Optional[list[str]]


def target_of(target: str, name: Optional[str]) -> tuple[str, str]:
    """("meeting", ID) for `edit ID`, or (kind, NAME) for `edit person|organization|topic NAME`."""
    if target in KINDS:
        if name is None:
            raise UsageError(f"give the {target}'s name: nafta-log ... {target} NAME")
        return target, name
    if name is not None:
        raise UsageError(f"{target!r} is not person, organization or topic; to change a meeting give only its id")
    return "meeting", target


def edit(
    target: Annotated[str, typer.Argument(metavar="ID|KIND", help="A meeting id (a unique prefix is enough), or "
                                          "person, organization or topic followed by NAME.")],
    name: Annotated[Optional[str], typer.Argument(metavar="[NAME]", help="The stakeholder's or topic's name.",
                                                  show_default=False)] = None,
    title: Annotated[Text, typer.Option("--title", metavar="TEXT", help="Meeting: a new title.")] = None,
    date: Annotated[Text, typer.Option("--date", metavar="DATE", help="Meeting: a new date (a new year moves "
                                       "the file to meetings/<year>/).")] = None,
    end: Annotated[Text, typer.Option("--end", metavar="DATE", help="Meeting: last day.")] = None,
    time: Annotated[Text, typer.Option("--time", metavar="HH:MM", help="Meeting: start time.")] = None,
    timezone: Annotated[Text, typer.Option("--timezone", metavar="ZONE", help="Meeting: IANA timezone.")] = None,
    status: Annotated[Text, typer.Option("--status", metavar="TEXT",
                                         help="Meeting: scheduled, held or cancelled.")] = None,
    location: Annotated[Text, typer.Option("--location", metavar="TEXT", help="Meeting: where.")] = None,
    summary: Annotated[Text, typer.Option("--summary", metavar="TEXT", help="Meeting: what was said.")] = None,
    add_participant: Annotated[Many, typer.Option("--add-participant", "--with", metavar="NAME",
                                                  help="Meeting: add a participant; repeat.")] = None,
    remove_participant: Annotated[Many, typer.Option("--remove-participant", metavar="NAME",
                                                     help="Meeting: remove a participant; repeat.")] = None,
    add_topic: Annotated[Many, typer.Option("--add-topic", metavar="TOPIC", help="Meeting: add a topic.")] = None,
    remove_topic: Annotated[Many, typer.Option("--remove-topic", metavar="TOPIC",
                                               help="Meeting: remove a topic.")] = None,
    source_publisher: Annotated[Text, typer.Option("--add-source-publisher", metavar="TEXT",
                                                   help="Meeting: add a source (with the next three).")] = None,
    source_title: Annotated[Text, typer.Option("--add-source-title", metavar="TEXT")] = None,
    source_url: Annotated[Text, typer.Option("--add-source-url", metavar="URL")] = None,
    source_date: Annotated[Text, typer.Option("--add-source-date", metavar="DATE")] = None,
    new_name: Annotated[Text, typer.Option("--name", metavar="TEXT", help="Stakeholder or topic: a new display "
                                           "name (the id stays; `rename` changes it).")] = None,
    add_alias: Annotated[Many, typer.Option("--add-alias", metavar="NAME", help="Stakeholder or topic.")] = None,
    remove_alias: Annotated[Many, typer.Option("--remove-alias", metavar="NAME",
                                               help="Stakeholder or topic.")] = None,
    country: Annotated[Text, typer.Option("--country", metavar="CC", help="Stakeholder: ISO 3166 code.")] = None,
    description: Annotated[Text, typer.Option("--description", metavar="TEXT", help="Stakeholder or topic.")] = None,
    add_role: Annotated[Text, typer.Option("--add-role", metavar="TITLE", help="Person: add a role.")] = None,
    organization: Annotated[Text, typer.Option("--organization", "--org", metavar="NAME",
                                               help="Person: the organization of --add-role.")] = None,
    since: Annotated[Text, typer.Option("--since", metavar="DATE", help="Person: start of --add-role.")] = None,
    clear: Annotated[Many, typer.Option("--clear", metavar="FIELD", help="Remove an optional field (end, time, "
                                        "timezone, location, summary, country, description); repeat.")] = None,
    commit: CommitOption = False,
    log: LogOption = None,
) -> None:
    """Change a record with flags, or with none in $VISUAL / $EDITOR (like `git commit`).

    Only the changed keys are rewritten: comments, key order, formatting and unknown keys stay as they were. The
    edited record is checked before it replaces the file; a broken edit is offered again on a terminal and
    refused otherwise (the edited text is kept in a file the message names). A file that changed on disk
    meanwhile is never overwritten.

    Examples:

      nafta-log edit 2017-12-14-dias-ross --status held --add-topic dairy

      nafta-log edit person Dias --add-alias "Jerry" --country CA

      nafta-log edit topic autos --description "Cars, parts and their rules of origin"

      nafta-log edit 2017-12-14-dias-ross
    """
    from nafta_log import edit as edits
    from nafta_log import store
    from nafta_log.model import Source
    kind, ref = target_of(target, name)
    root = root_of(log)
    meeting_given = [title, date, end, time, timezone, status, location, summary, add_participant,
                     remove_participant, add_topic, remove_topic, source_publisher, source_title, source_url,
                     source_date]
    other_given = [new_name, add_alias, remove_alias, country, description, add_role, organization, since]
    from nafta_log import gitlog
    gitlog.check_commit(root, commit)  # before anything is written: a log that cannot commit says so now
    if not any(v for v in [*meeting_given, *other_given, clear]):
        _in_editor(root, kind, ref, log, commit)
        return
    if kind == "meeting" and any(v for v in other_given):
        raise UsageError("--name, --add-alias, --remove-alias, --country, --description and --add-role are for "
                         "stakeholders and topics; a meeting takes --title, --date, --add-participant ...")
    if kind != "meeting" and any(v for v in meeting_given):
        raise UsageError(f"--title, --date, --add-participant ... are for meetings; a {kind} takes --name, "
                         "--add-alias, --description ...")
    if kind == "topic" and any(v for v in (country, add_role, organization, since)):
        raise UsageError("a topic takes --name, --add-alias, --remove-alias and --description")
    order = store.load_settings(root)[0].date_order
    cleared = tuple(c.strip().lower() for c in clear or ())
    if kind == "meeting":
        from nafta_log import dates
        try:
            time_ = dates.parse_time(time) if time is not None else None
        except DateError as exc:
            raise UsageError(f"--time: {exc}") from None
        try:
            zone = dates.parse_timezone(timezone) if timezone is not None else None
        except DateError as exc:
            raise UsageError(f"--timezone: {exc}") from None
        end_ = parse_date_option(end, "--end", order)
        if end_ is not None and end_.day is None:
            raise UsageError(f"--end must be a day, not {str(end_)!r}")
        source = None
        if any(v is not None for v in (source_publisher, source_title, source_url, source_date)):
            from nafta_log.actions import clean_text
            source = Source(publisher=clean_text(source_publisher, "--add-source-publisher"),
                            title=clean_text(source_title, "--add-source-title"),
                            url=clean_text(source_url, "--add-source-url", limit=2000),
                            published=parse_date_option(source_date, "--add-source-date", order))
        change = edits.MeetingEdit(
            title=title, date=parse_date_option(date, "--date", order), end=end_.first_day() if end_ else None,
            time=time_, timezone=zone, status=status, location=location, summary=summary,
            add_participants=tuple(add_participant or ()), remove_participants=tuple(remove_participant or ()),
            add_topics=tuple(add_topic or ()), remove_topics=tuple(remove_topic or ()), source=source, clear=cleared)
        path = edits.edit_meeting(root, ref, change)
    elif kind == "topic":
        path = edits.edit_topic(root, ref, edits.TopicEdit(name=new_name, description=description,
                                                           add_aliases=tuple(add_alias or ()),
                                                           remove_aliases=tuple(remove_alias or ()), clear=cleared))
    else:
        path = edits.edit_stakeholder(root, kind, ref, edits.StakeholderEdit(
            name=new_name, country=country, description=description, add_aliases=tuple(add_alias or ()),
            remove_aliases=tuple(remove_alias or ()), role=add_role, organization=organization,
            since=parse_date_option(since, "--since", order), clear=cleared))
    rid = visible(ref.strip()) if kind == 'topic' else path.stem
    print(f"Edited {kind} {rid}")
    print(f"  {path}")
    from nafta_log import gitlog
    print_commit(gitlog.commit_change(root, [path], gitlog.describe_change("edit", kind, rid), requested=commit))


def _in_editor(root: Path, kind: str, ref: str, log: Optional[str], commit: bool) -> None:
    """Edit the record's file in the user's editor; on a terminal, offer a broken edit again."""
    from nafta_log import edit as edits
    from nafta_log import editor
    target = edits.find_target(root, load(log).log, kind, ref)

    def again(exc: InvalidEdit) -> bool:
        """Show the problems and ask whether to reopen the editor."""
        print(f"Error: {visible(str(exc), keep=chr(10))}", file=sys.stderr)
        return typer.confirm("fix it?", default=True)

    path = editor.edit_in_editor(root, target, os.environ, again if is_interactive() else None)
    if path is None:
        print("No changes; nothing was written")
    else:
        print(f"Saved {target.kind} {target.id}")
        print(f"  {path}")
        from nafta_log import gitlog
        print_commit(gitlog.commit_change(root, [path], gitlog.describe_change("edit", target.kind, target.id),
                                          requested=commit))
