"""Editing records with flags and in $EDITOR: only the changed keys differ, broken edits are never saved."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import invoke, lines

MEETING = "meetings/2017/2017-10-11-trudeau-trump-ross-3360.toml"
HAND_WRITTEN = '''# Written by hand; nafta-log must keep this comment.
title    =   "Trudeau visits the White House"   # short title
date = 2017-10-11
status = "held"
participants = [
    "justin-trudeau",   # the visitor
    "donald-trump",
]
topics = [ "trade" ]
mood = 'tense'          # a key nafta-log does not know
summary = """Two lines
of summary."""

[[sources]]
publisher = "CBC News"  # where we read it
title = "Union leader to talk NAFTA with top Trump adviser, again"
published = "2017-12"

[private]
contact = "someone"
'''


def _meeting(sample: Path) -> Path:
    """Replace a sample meeting with the hand-written one; return its path."""
    path = next((sample / "meetings" / "2017").glob("2017-10-11-*.toml"))
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    return path


def _fake_editor(tmp_path: Path, *versions: str) -> str:
    """An $EDITOR that writes the given versions in turn, one per run (a test double for vi)."""
    steps = tmp_path / "edits"
    steps.mkdir()
    for i, text in enumerate(versions):
        (steps / f"{i:02d}").write_text(text, encoding="utf-8")
    script = tmp_path / "fake_editor.py"
    script.write_text(
        "import sys, pathlib\n"
        f"steps = sorted(pathlib.Path({str(steps)!r}).iterdir())\n"
        "target = pathlib.Path(sys.argv[-1])\n"
        "target.write_bytes(steps[0].read_bytes())\n"
        "steps[0].unlink()\n")
    return f"{sys.executable} {script}"


def test_flag_edit_changes_only_the_changed_keys(sample: Path) -> None:
    """Comments, odd spacing, key order and unknown keys survive byte for byte; changed values are rewritten."""
    path = _meeting(sample)
    r = invoke(["edit", "2017-10-11", "--title", "Trudeau and Trump talk trade", "--add-participant", "Ross",
                "--remove-participant", "Trump", "--add-topic", "nafta", "--status", "scheduled",
                "--add-source-publisher", "Globe and Mail", "--add-source-date", "2017-10"], log=sample)
    assert r.exit_code == 0, r.output
    assert lines(r.stdout) == [f"Edited meeting {path.stem}", f"  {path}"]
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN.replace(
        '"Trudeau visits the White House"', '"Trudeau and Trump talk trade"').replace(
        'status = "held"', 'status = "scheduled"').replace(
        '    "donald-trump",\n', '    "wilbur-ross",\n').replace(
        '[ "trade" ]', '[ "trade", "nafta" ]').replace(
        'published = "2017-12"\n', 'published = "2017-12"\n\n[[sources]]\npublisher = "Globe and Mail"\n'
                                   'published = "2017-10"\n')
    assert invoke(["check"], log=sample).stdout == ""


def test_clearing_and_unchanged_values_leave_the_rest_alone(sample: Path) -> None:
    """--clear removes an optional key; setting a value it already has changes no byte."""
    path = _meeting(sample)
    r = invoke(["edit", path.stem, "--status", "held", "--clear", "summary"], log=sample)
    assert r.exit_code == 0, r.output
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN.replace('summary = """Two lines\nof summary."""\n', "")


def test_a_new_year_moves_the_meeting_and_keeps_its_id(sample: Path) -> None:
    """Changing the date to another year moves the file to meetings/<year>/; check still passes."""
    path = _meeting(sample)
    r = invoke(["edit", path.stem, "--date", "2018-01-05"], log=sample)
    assert r.exit_code == 0, r.output
    moved = sample / "meetings" / "2018" / path.name
    assert not path.exists()
    assert moved.read_text(encoding="utf-8") == HAND_WRITTEN.replace("date = 2017-10-11", "date = 2018-01-05")
    assert invoke(["check"], log=sample).stdout == ""
    assert invoke(["show", path.stem], log=sample).exit_code == 0


def test_stakeholder_and_topic_edits_keep_comments(sample: Path) -> None:
    """edit person/organization/topic change only their keys; comments elsewhere in the file stay."""
    unifor = sample / "stakeholders" / "unifor.toml"
    unifor.write_text('# the union\nkind = "organization"\nname = "Unifor"  # its name\ncountry = "CA"\n')
    r = invoke(["edit", "organization", "Unifor", "--add-alias", "Unifor Canada", "--description", "A union."],
               log=sample)
    assert r.exit_code == 0, r.output
    assert unifor.read_text() == ('# the union\nkind = "organization"\nname = "Unifor"  # its name\ncountry = "CA"\n'
                                  'aliases = ["Unifor Canada"]\ndescription = "A union."\n')
    topics = sample / "topics.toml"
    before = topics.read_text(encoding="utf-8")
    topics.write_text("# our vocabulary\n" + before, encoding="utf-8")
    r = invoke(["edit", "topic", "autos", "--remove-alias", "AUTO", "--name", "Autos"], log=sample)
    assert r.exit_code == 0, r.output
    assert topics.read_text(encoding="utf-8") == "# our vocabulary\n" + before.replace(
        'name = "Auto sector"\naliases = ["auto", "autos", "automotive"]',
        'name = "Autos"\naliases = ["autos", "automotive"]')


def test_person_role_is_appended(sample: Path) -> None:
    """--add-role with --org and --since adds a [[roles]] table after the existing ones."""
    r = invoke(["edit", "person", "Dias", "--add-role", "Adviser", "--org", "Unifor", "--since", "2022"], log=sample)
    assert r.exit_code == 0, r.output
    assert (sample / "stakeholders" / "jerry-dias.toml").read_text().endswith(
        'organization = "unifor"\n\n[[roles]]\ntitle = "Adviser"\norganization = "unifor"\nsince = "2022"\n')


@pytest.mark.parametrize("args, code, message", [
    (["2017-12-14", "--end", "2017-12-01"], 1,
     "Error: the edit was not saved; it would leave 1 problem(s):\n  meetings/2017/2017-12-14-dias-ross-cb43.toml:8:1: "
     "end 2017-12-01 is before the start 2017-12-14\n"),
    (["2017-12-14", "--title", "  "], 2, "Error: the title is empty\n"),
    (["2017-12-14", "--title", "x" * 501], 2, "Error: the title is 501 characters long; the limit is 500\n"),
    (["2017-12-14", "--remove-participant", "Trudeau"], 2,
     "Error: 'Trudeau' is not a participant of this meeting; nothing was written\n"),
    (["2017-12-14", "--status", "done"], 1, "Error: the edit was not saved; it would leave 1 problem(s):\n"
     "  meetings/2017/2017-12-14-dias-ross-cb43.toml:3:1: 'status' must be one of scheduled, held, cancelled; "
     "not 'done'\n"),
    (["2017-12-14", "--name", "X"], 2, "Error: --name, --add-alias, --remove-alias, --country, --description and "
     "--add-role are for stakeholders and topics"),
    (["person", "Unifor", "--name", "X"], 2, "Error: 'Unifor' is an organization, not a person; use `organization`\n"),
    (["person", "Ross", "--clear", "name"], 2,
     "Error: 'name' cannot be cleared; optional fields are country, description\n"),
    (["person", "Ross", "--name", "Jerry Dias"], 1, "Error: 'Jerry Dias' is already in the log as 'jerry-dias'"),
])
def test_bad_edits_are_refused_and_nothing_is_written(sample: Path, args: list[str], code: int, message: str) -> None:
    """Each bad edit: one clear message, the right exit code, no file changed."""
    before = {p: p.read_bytes() for p in sample.rglob("*.toml")}
    r = invoke(["edit", *args], log=sample)
    assert r.exit_code == code, r.output
    assert r.stderr.startswith(message)
    assert {p: p.read_bytes() for p in sample.rglob("*.toml")} == before


def test_editor_saves_a_valid_edit(sample: Path, tmp_path: Path) -> None:
    """With no flags the record opens in $VISUAL (before $EDITOR); the edited text replaces the file."""
    path = sample / MEETING
    edited = path.read_text().replace('status = "held"', 'status = "cancelled"  # it fell through')
    r = invoke(["edit", "2017-10-11"], log=sample, VISUAL=_fake_editor(tmp_path, edited), EDITOR="false")
    assert r.exit_code == 0, r.output
    assert lines(r.stdout) == [f"Saved meeting {path.stem}", f"  {path}"]
    assert path.read_text() == edited
    assert list((sample / ".nafta-log").glob("edit-*")) == []


def test_editor_without_changes_writes_nothing(sample: Path, tmp_path: Path) -> None:
    """Saving the file unchanged is not an edit."""
    path = sample / MEETING
    r = invoke(["edit", "2017-10-11"], log=sample, VISUAL="", EDITOR=_fake_editor(tmp_path, path.read_text()))
    assert (r.exit_code, r.stdout) == (0, "No changes; nothing was written\n")


def test_broken_edit_without_a_terminal_is_refused_and_kept(sample: Path, tmp_path: Path) -> None:
    """No terminal: the broken edit is refused, the record unchanged, the text kept in the file the message names."""
    path = sample / MEETING
    before = path.read_bytes()
    broken = path.read_text().replace('date = 2017-10-11', 'date = 2017-10-11\ndate = 2017-10-12')
    r = invoke(["edit", "2017-10-11"], log=sample, EDITOR=_fake_editor(tmp_path, broken), VISUAL="")
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: the edit was not saved; it would leave 1 problem(s):\n"
                               f"  {MEETING}:3:1: TOML syntax: key 'date' is set twice\n"
                               "The record is unchanged; your edited text is kept in ")
    kept = Path(r.stderr.split("kept in ")[1].strip())
    assert kept.read_text() == broken and kept.parent == sample / ".nafta-log"
    assert path.read_bytes() == before


def test_broken_edit_on_a_terminal_is_offered_again(sample: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal a broken edit is shown and offered again ("fix it? [Y/n]"); the fixed one is saved."""
    monkeypatch.setattr("nafta_log.cli.edit.is_interactive", lambda: True)
    path = sample / MEETING
    broken = path.read_text().replace('participants = ["justin-trudeau", "donald-trump", "wilbur-ross"]',
                                      'participants = ["nobody"]')
    fixed = path.read_text().replace('"wilbur-ross"]', '"wilbur-ross", "jerry-dias"]')
    r = invoke(["edit", "2017-10-11"], log=sample, input="\n", EDITOR=_fake_editor(tmp_path, broken, fixed), VISUAL="")
    assert r.exit_code == 0, r.output
    assert f"{MEETING}:4:1: unknown stakeholder id 'nobody' in participants" in r.stderr
    assert "fix it? [Y/n]" in r.stdout
    assert path.read_text() == fixed


def test_declining_to_fix_keeps_the_record(sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Answering n to "fix it?" leaves the record as it was."""
    monkeypatch.setattr("nafta_log.cli.edit.is_interactive", lambda: True)
    path = sample / MEETING
    before = path.read_bytes()
    r = invoke(["edit", "2017-10-11"], log=sample, input="n\n", EDITOR=_fake_editor(tmp_path, "title = \n"), VISUAL="")
    assert r.exit_code == 1
    assert r.stderr.splitlines()[-1].startswith("Error: the edit was not saved; the record is unchanged; your "
                                                "edited text is kept in ")
    assert path.read_bytes() == before


def test_file_changed_during_the_edit_is_not_overwritten(sample: Path, tmp_path: Path) -> None:
    """If the record changes on disk while the editor is open (a git pull), the edit is refused and kept."""
    path = sample / MEETING
    theirs = path.read_text().replace("held", "scheduled")
    script = tmp_path / "racing_editor.py"
    script.write_text("import sys, pathlib\n"
                      f"pathlib.Path({str(path)!r}).write_text({theirs!r})\n"
                      "t = pathlib.Path(sys.argv[-1])\n"
                      "t.write_text(t.read_text().replace('to discuss trade', 'to talk about trade'))\n")
    r = invoke(["edit", "2017-10-11"], log=sample, EDITOR=f"{sys.executable} {script}", VISUAL="")
    assert r.exit_code == 1
    assert "changed on disk since it was read (an editor, a git pull?); nothing was written" in r.stderr
    assert "your edited text is kept in" in r.stderr
    assert path.read_text() == theirs


def test_failing_editor_writes_nothing(sample: Path) -> None:
    """An editor that exits with an error (or does not exist) saves nothing."""
    before = (sample / MEETING).read_bytes()
    r = invoke(["edit", "2017-10-11"], log=sample, EDITOR="false", VISUAL="")
    assert r.exit_code == 1 and r.stderr.startswith("Error: the editor exited with status 1; nothing was saved")
    r = invoke(["edit", "2017-10-11"], log=sample, VISUAL="/nonexistent/editor")
    assert r.exit_code == 1 and r.stderr.startswith("Error: cannot start the editor '/nonexistent/editor'")
    assert (sample / MEETING).read_bytes() == before


def test_adding_a_topic_keeps_the_hand_written_vocabulary(sample: Path) -> None:
    """`add topic` appends its table to topics.toml; comments and the existing order stay byte for byte."""
    topics = sample / "topics.toml"
    before = "# our vocabulary, in our order\n" + topics.read_text(encoding="utf-8").replace(
        '[topics.trade]', '[topics.trade]  # the broadest one')
    topics.write_text(before, encoding="utf-8")
    r = invoke(["add", "topic", "Dairy", "--alias", "milk"], log=sample)
    assert r.exit_code == 0, r.output
    assert topics.read_text(encoding="utf-8") == before + '\n[topics.dairy]\nname = "Dairy"\naliases = ["milk"]\n'


def test_an_edit_that_keeps_the_year_leaves_the_file_where_it_is(sample: Path) -> None:
    """Only a change of year moves a meeting; a file kept in another folder stays there (its old problem too)."""
    folder = sample / "meetings" / "archive"
    folder.mkdir()
    old = sample / MEETING
    path = folder / old.name
    old.rename(path)
    r = invoke(["edit", "2017-10-11", "--status", "cancelled"], log=sample)
    assert r.exit_code == 0, r.output
    assert lines(r.stdout)[1] == f"  {path}"
    assert 'status = "cancelled"\n' in path.read_text()


def test_a_file_tomlkit_cannot_read_is_left_to_an_editor(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Should tomlkit refuse a file the loader accepted, the edit says so and writes nothing."""
    import tomlkit.exceptions

    def refuse(text: str) -> None:
        """Fail as tomlkit does on input it cannot parse."""
        raise tomlkit.exceptions.ParseError(1, 1)
    monkeypatch.setattr("tomlkit.parse", refuse)
    before = (sample / MEETING).read_bytes()
    r = invoke(["edit", "2017-10-11", "--status", "cancelled"], log=sample)
    assert (r.exit_code, r.stderr) == (1, f"Error: {sample / MEETING} cannot be changed in place (ParseError); "
                                          "change it in an editor. Nothing was written\n")
    assert (sample / MEETING).read_bytes() == before
