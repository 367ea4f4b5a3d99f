"""The `rename` and `remove` commands: changes that follow a record's references through the log."""


from typing import Annotated, Optional

import typer

from nafta_log.cli.common import CommitOption, LogOption, is_interactive, load, print_commit, root_of
from nafta_log.cli.edit import target_of
from nafta_log.errors import NaftaLogError, UsageError
from nafta_log.safe import visible


def rename(
    kind: Annotated[str, typer.Argument(metavar="KIND", help="person, organization or topic.")],
    old: Annotated[str, typer.Argument(metavar="OLD", help="The current id, name, alias or surname.")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="The new name; the new id is made from it.")],
    new_id: Annotated[Optional[str], typer.Option("--id", help="The new id (default: made from NEW).")] = None,
    keep_old_name: Annotated[bool, typer.Option("--keep-old-name",
                                                help="Keep the old name as an alias.")] = False,
    commit: CommitOption = False,
    log: LogOption = None,
) -> None:
    """Rename a person, organization or topic: its id changes and every meeting and role that refers to it is
    rewritten, all or nothing (an interrupted rename is completed by the next command).

    Examples:

      nafta-log rename person "Jerry Dias" "Jerome Dias" --keep-old-name

      nafta-log rename topic autos "Automotive industry"
    """
    from nafta_log import references
    if kind not in ("person", "organization", "topic"):
        raise UsageError(f"KIND must be person, organization or topic, not {kind!r}")
    from nafta_log import gitlog
    root = root_of(log)
    gitlog.check_commit(root, commit)
    change = references.rename(root, kind, old, new, new_id, keep_old_name)
    print(f"Renamed {visible(change.summary[0])}")
    for line in change.summary[1:]:
        print(f"  {visible(line)}")
    print_commit(gitlog.commit_change(root, [*change.writes, *change.deletes], f"Rename {visible(change.summary[0])}",
                                      requested=commit))


def remove(
    target: Annotated[str, typer.Argument(metavar="ID|KIND", help="A meeting id (a unique prefix is enough), or "
                                          "person, organization or topic followed by NAME.")],
    name: Annotated[Optional[str], typer.Argument(metavar="[NAME]", help="The stakeholder's or topic's name.",
                                                  show_default=False)] = None,
    force: Annotated[Optional[str], typer.Option("--force", metavar="drop|delete",
                     help="For a stakeholder or topic still in meetings: drop it from them, or delete them.")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    commit: CommitOption = False,
    log: LogOption = None,
) -> None:
    """Remove a meeting, person, organization or topic; asks for confirmation on a terminal.

    A stakeholder or topic that meetings still refer to is refused unless --force says what happens to those
    meetings: `drop` takes it out of them, `delete` deletes them. Without a terminal, --yes is required.

    Examples:

      nafta-log remove 2017-12-14-dias-ross

      nafta-log remove topic dairy --force drop --yes
    """
    from nafta_log import references
    from nafta_log import gitlog
    kind, ref = target_of(target, name)
    root = root_of(log)
    gitlog.check_commit(root, commit)
    change = references.plan_remove(root, load(log).log, kind, ref, force)
    if not yes:
        if not is_interactive():
            raise UsageError("removing needs a confirmation and there is no terminal to ask on; add --yes")
        print(f"Remove {visible(change.summary[0])}")
        for line in change.summary[1:]:
            print(f"  {visible(line)}")
        if not typer.confirm("Remove?", default=False):
            raise NaftaLogError("cancelled; nothing was removed")
    done = references.remove(root, kind, ref, force, confirmed=change)
    print(f"Removed {visible(done.summary[0])}")
    for line in done.summary[1:]:
        print(f"  {visible(line)}")
    print_commit(gitlog.commit_change(root, [*done.writes, *done.deletes], f"Remove {visible(done.summary[0])}",
                                      requested=commit))
