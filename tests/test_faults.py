"""Fault-proof writes: modes and symlinks kept, leftovers cleaned, a full disk or read-only folder loses nothing.

Tests run as root in CI, where chmod does not stop writes; a full disk and a read-only folder are simulated by
making the os functions nafta-log calls raise the OSError the kernel would (ENOSPC, EROFS) at the chosen moment.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any, Callable

import pytest

from nafta_log import atomic, store

from conftest import invoke

MEETING = "meetings/2017/2017-10-11-trudeau-trump-ross-3360.toml"


def _files(root: Path) -> dict[str, bytes]:
    """Every file of the log, hidden ones included, except the cache folder."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and ".nafta-log" not in p.parts}


def _fail_on(monkeypatch: pytest.MonkeyPatch, name: str, code: int, when: Callable[..., bool] = lambda *a: True,
             after: int = 0) -> None:
    """Make os.<name> raise OSError(code) on the calls `when` accepts, after letting `after` of them through."""
    real = getattr(os, name)
    seen = [0]

    def fake(*args: Any, **kwargs: Any) -> Any:
        """The real call, or the chosen OSError."""
        if when(*args):
            seen[0] += 1
            if seen[0] > after:
                raise OSError(code, os.strerror(code))
        return real(*args, **kwargs)
    monkeypatch.setattr(os, name, fake)


def test_an_edit_keeps_the_file_mode(sample: Path) -> None:
    """A record made private (0600) stays private after an edit and after a rename rewrites it."""
    path = sample / MEETING
    path.chmod(0o600)
    assert invoke(["edit", "2017-10-11", "--status", "cancelled"], log=sample).exit_code == 0
    assert path.stat().st_mode & 0o777 == 0o600
    assert invoke(["rename", "person", "Trump", "Donald J. Trump"], log=sample).exit_code == 0
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_symlinked_record_is_written_through_to_its_target(sample: Path, tmp_path: Path) -> None:
    """Editing a record that is a symlink changes the target file; the link stays a link."""
    path = sample / MEETING
    elsewhere = tmp_path / "shared.toml"
    elsewhere.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(elsewhere)
    assert invoke(["edit", "2017-10-11", "--status", "cancelled"], log=sample).exit_code == 0
    assert path.is_symlink() and os.readlink(path) == str(elsewhere)
    assert 'status = "cancelled"' in elsewhere.read_text()
    assert invoke(["rename", "person", "Trump", "Donald J. Trump"], log=sample).exit_code == 0
    assert path.is_symlink() and '"donald-j-trump"' in elsewhere.read_text()


def test_the_folder_is_fsynced_after_a_replace(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After the atomic replace, the folder holding the record is fsynced so the new name survives a power cut."""
    synced: list[str] = []
    real = atomic._fsync_dir
    monkeypatch.setattr(atomic, "_fsync_dir", lambda folder: (synced.append(str(folder)), real(folder))[1])
    assert invoke(["edit", "2017-10-11", "--status", "cancelled"], log=sample).exit_code == 0
    assert synced == [str(sample / "meetings" / "2017")]


def test_leftover_temp_files_are_ignored_then_cleaned(sample: Path) -> None:
    """Temp and staged files of a crashed writer are not records; the next writer removes them."""
    leftovers = [sample / "meetings" / "2017" / ".2017-12-01-x-0000.toml.k2j3h4.tmp",
                 sample / "stakeholders" / ".someone.toml.a1b2c3d4.staged", sample / ".topics.toml.zz9.tmp"]
    for p in leftovers:
        p.write_text('title = "half a rec')
    (sample / ".nafta-log").mkdir(exist_ok=True)
    (sample / ".nafta-log" / "writing").touch()  # what a writer killed while writing leaves behind
    assert (invoke(["check"], log=sample).stdout, invoke(["meetings"], log=sample).stderr) == ("", "")
    assert all(p.exists() for p in leftovers)
    assert invoke(["add", "topic", "Dairy"], log=sample).exit_code == 0
    assert not any(p.exists() for p in leftovers)


@pytest.mark.parametrize("name, code, after, message", [
    ("fsync", errno.ENOSPC, 0, "the disk is full"),
    ("replace", errno.ENOSPC, 0, "the disk is full"),
    ("open", errno.EROFS, 0, "the folder is read-only"),
])
def test_a_failed_edit_changes_nothing(sample: Path, monkeypatch: pytest.MonkeyPatch, name: str, code: int,
                                       after: int, message: str) -> None:
    """A full disk or read-only folder during an edit: a clear error, the record as it was, no temp file left."""
    before = _files(sample)
    folder = str(sample / "meetings" / "2017")
    _fail_on(monkeypatch, name, code, lambda *a: folder in str(a[0]) if name == "open" else True, after)
    r = invoke(["edit", "2017-10-11", "--status", "cancelled"], log=sample)
    monkeypatch.undo()
    assert r.exit_code == 1
    assert r.stderr.startswith(f"Error: cannot write {sample / MEETING}: {message}; nothing was changed"), r.stderr
    assert _files(sample) == before


def test_a_full_disk_during_a_rename_changes_nothing(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up while the third new file is staged: nothing is changed and no staged file is left."""
    before = _files(sample)
    _fail_on(monkeypatch, "fsync", errno.ENOSPC, after=2)
    r = invoke(["rename", "person", "Dias", "Jerome Dias"], log=sample)
    monkeypatch.undo()
    assert r.exit_code == 1
    assert ": the disk is full; nothing was changed" in r.stderr
    assert _files(sample) == before
    assert invoke(["check"], log=sample).stdout == ""


def test_a_failure_after_the_commit_point_is_completed_later(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If a rename fails after its journal is written, it says so, and the next command completes it."""
    _fail_on(monkeypatch, "replace", errno.EIO, when=lambda src, dst: str(src).endswith(".staged"), after=1)
    r = invoke(["rename", "person", "Dias", "Jerome Dias"], log=sample)
    monkeypatch.undo()
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: the change was interrupted (Input/output error); it is recorded in "
                               ".nafta-log/journal.json and the next nafta-log command completes it")
    assert store.pending_change(sample)
    assert invoke(["check"], log=sample).stdout == ""
    assert not store.pending_change(sample)
    assert (sample / "stakeholders" / "jerome-dias.toml").exists()
    assert not (sample / "stakeholders" / "jerry-dias.toml").exists()


def test_a_read_only_log_cannot_be_locked(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A log on a read-only folder: adding says so clearly and writes nothing."""
    before = _files(sample)
    _fail_on(monkeypatch, "open", errno.EROFS, when=lambda path, *a: str(path).endswith("lock"))
    r = invoke(["add", "topic", "Dairy"], log=sample)
    monkeypatch.undo()
    assert r.exit_code == 1
    assert r.stderr == f"Error: cannot lock the log at {sample}: the folder is read-only; nothing was written\n"
    assert _files(sample) == before


def test_apply_changes_refuses_when_a_file_changed_since_it_was_read(sample: Path) -> None:
    """The multi-file writer checks every expected file first: one changed file means nothing is written."""
    from nafta_log.errors import ConflictError
    a, b = sample / "stakeholders" / "unifor.toml", sample / "stakeholders" / "new.toml"
    read = a.read_bytes()
    a.write_text(a.read_text() + "# changed by someone else\n")
    before = _files(sample)
    with store.locked(sample), pytest.raises(ConflictError, match="changed on disk since it was read"):
        store.apply_changes(sample, {a: "kind = \"organization\"\nname = \"U\"\n", b: "x = 1\n"}, [],
                            expected={a: read, b: None})
    assert _files(sample) == before


def test_a_clean_write_leaves_no_sign_of_writing(sample: Path) -> None:
    """Only a writer that was killed leaves `.nafta-log/writing`, which makes the next one sweep the log."""
    assert invoke(["add", "topic", "Dairy"], log=sample).exit_code == 0
    assert (sample / ".nafta-log" / "lock").exists()
    assert not (sample / ".nafta-log" / "writing").exists()
