"""Editing a record in the user's editor, like `git commit`: a copy is edited, checked, and offered again if broken."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import Callable, Mapping

from nafta_log import edit, store, tomltext
from nafta_log.errors import ConflictError, InvalidEdit, NaftaLogError


def editor_command(environ: Mapping[str, str]) -> list[str]:
    """The editor to run: $VISUAL, else $EDITOR, else vi (split like a shell would)."""
    text = environ.get("VISUAL") or environ.get("EDITOR") or "vi"
    try:
        words = shlex.split(text)
    except ValueError:
        words = []
    if not words:
        raise NaftaLogError(f"cannot understand the editor command {text!r}; set $VISUAL or $EDITOR")
    return words


def run_editor(path: Path, environ: Mapping[str, str]) -> None:
    """Open `path` in the editor and wait for it; a failing editor is an error."""
    command = editor_command(environ)
    try:
        proc = subprocess.run([*command, str(path)], env=dict(environ))
    except OSError as exc:
        raise NaftaLogError(f"cannot start the editor {command[0]!r}: {exc.strerror}; "
                            "set $VISUAL or $EDITOR") from None
    if proc.returncode != 0:
        raise NaftaLogError(f"the editor exited with status {proc.returncode}; nothing was saved "
                            f"(your text is in {path})")


def edit_in_editor(root: Path, target: edit.Target, environ: Mapping[str, str],
                   again: Callable[[InvalidEdit], bool] | None) -> Path | None:
    """Let the user edit a copy of `target`'s file; save it once it checks. Return its path, or None if unchanged.

    A broken edit is offered again while `again(problem)` says so (None: no terminal to ask on, refuse at once);
    when it is not saved the record stays as it was and the edited text stays in a file the error names.
    """
    try:
        (root / store.CACHE).mkdir(exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f"edit-{target.id}-", suffix=".toml", dir=root / store.CACHE)
        with os.fdopen(fd, "wb") as f:
            f.write(target.raw)
    except OSError as exc:
        raise store.write_error(root / store.CACHE, exc) from None
    draft = Path(name)
    while True:
        run_editor(draft, environ)
        raw = draft.read_bytes()
        if raw == target.raw:
            draft.unlink()
            return None
        try:
            path = edit.save_text(root, target, _text_of(raw, target.path.relative_to(root).as_posix()))
        except InvalidEdit as exc:
            if again is None:
                raise NaftaLogError(f"{exc}\nThe record is unchanged; your edited text is kept in {draft}") from None
            if again(exc):
                continue
            raise NaftaLogError(f"the edit was not saved; the record is unchanged; your edited text is kept in "
                                f"{draft}") from None
        except ConflictError as exc:
            raise ConflictError(f"{exc}; your edited text is kept in {draft}") from None
        draft.unlink()
        return path


def _text_of(raw: bytes, rel: str) -> str:
    """The edited bytes as text, or InvalidEdit if they are not a readable TOML file."""
    table, text, problems = tomltext.decode(raw, rel)
    if table is None:
        raise InvalidEdit(problems)
    return text
