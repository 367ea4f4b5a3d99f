"""The log folder <-> model: finding the log, loading every record with its problems, atomic locked writes."""


import os
from pathlib import Path
from typing import Iterator, Mapping, NamedTuple

from nafta_log.atomic import (CACHE, apply_changes, locked, pending_change, reading, recover,  # noqa: F401
                              remove_file, replace_file, write_batch, write_error, write_file)
from nafta_log import records
from nafta_log.errors import LogNotFound, NaftaLogError, Problem
from nafta_log.ids import is_valid_id
from nafta_log.model import Log, Meeting, Origin, Settings, Stakeholder, Topic

MARKER = "nafta-log.toml"
TOPICS = "topics.toml"
STAKEHOLDERS = "stakeholders"
MEETINGS = "meetings"


def find_root(explicit: str | None, environ: Mapping[str, str], cwd: Path) -> Path:
    """The log to use: `--log DIR`, else $NAFTA_LOG, else the nearest folder upward holding nafta-log.toml."""
    given = explicit or environ.get("NAFTA_LOG") or None
    if given:
        where = "--log" if explicit else "$NAFTA_LOG"
        path = Path(given).expanduser()
        for candidate in (path, path / "data"):
            if (candidate / MARKER).is_file():
                return candidate.resolve()
        if not path.exists():
            raise LogNotFound(f"{where} {given}: no such folder; make a log there with `nafta-log init {given}`")
        raise LogNotFound(f"{where} {given}: not a nafta-log log (no {MARKER} in it); "
                          f"make one with `nafta-log init {given}`")
    for folder in (cwd, *cwd.parents):
        for candidate in (folder, folder / "data"):
            if (candidate / MARKER).is_file():
                return candidate.resolve()
    raise LogNotFound(f"no log found in {cwd} or any folder above it; give one with --log DIR or $NAFTA_LOG, "
                      "or make one with `nafta-log init DIR` (`--sample` for the NAFTA sample log)")


class LoadResult(NamedTuple):
    """Every record that loaded, and every problem found on the way."""

    log: Log
    problems: list[Problem]

    def broken_files(self) -> list[Problem]:
        """The first problem of each file that could not be loaded (one warning line per file)."""
        seen: dict[str, Problem] = {}
        for p in self.problems:
            seen.setdefault(p.path, p)
        return list(seen.values())


def _dumps(table: Mapping[str, object]) -> str:
    """A record's table as canonical TOML text (tomltext is imported only by commands that read or write files)."""
    from nafta_log import tomltext
    return tomltext.dumps(table)


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _read_table(root: Path, path: Path) -> tuple[dict | None, Origin, list[Problem]]:
    rel = _rel(root, path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, Origin(rel), [Problem(rel, None, None, f"cannot read: {exc.strerror}")]
    from nafta_log import tomltext  # parsing files: not needed to answer from the index
    table, text, problems = tomltext.decode(raw, rel)
    return table, Origin(rel, text), problems


def record_files(folder: Path) -> Iterator[Path]:
    """Every `*.toml` under `folder`, in a stable order, skipping hidden and temporary files."""
    if not folder.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(".toml") and not name.startswith("."):
                yield Path(dirpath) / name


def load_settings(root: Path) -> tuple[Settings, list[Problem]]:
    """Read nafta-log.toml."""
    table, origin, problems = _read_table(root, root / MARKER)
    if table is None:
        return Settings(), problems
    return records.settings_from_table(table, origin)


class TopicsResult(NamedTuple):
    """The topic vocabulary and the problems found in topics.toml."""

    topics: dict[str, Topic]
    problems: list[Problem]


def load_topics(root: Path) -> TopicsResult:
    """Read topics.toml (an absent file is an empty vocabulary)."""
    if not (root / TOPICS).is_file():
        return TopicsResult({}, [])
    table, origin, problems = _read_table(root, root / TOPICS)
    if table is None:
        return TopicsResult({}, problems)
    topics, problems = records.topics_from_table(table, origin)
    return TopicsResult(topics, problems)


def load(root: Path) -> LoadResult:
    """Load every record of the log at `root`; a broken file is left out and reported, never fatal.

    The files are read under the shared lock, so a multi-file change being made is waited for; one left unfinished
    by a killed writer (see `apply_changes`) is completed first. Either way no half-done change is read.
    """
    problems = complete_interrupted(root)
    with reading(root):
        if not pending_change(root):
            return _load_files(root, problems)
    problems = complete_interrupted(root)  # a writer was killed while this reader waited for it
    with reading(root):
        return _load_files(root, problems)


def complete_interrupted(root: Path) -> list[Problem]:
    """Complete an interrupted multi-file change, if there is one; a problem if it cannot be completed now."""
    if not pending_change(root):
        return []
    try:
        with locked(root):
            return []  # taking the lock completes the change
    except NaftaLogError as exc:
        return [Problem(f"{CACHE}/journal.json", None, None, f"{exc} (the log may look half-changed)")]


def _load_files(root: Path, problems: list[Problem]) -> LoadResult:
    """Read every record file (call under the shared lock)."""
    settings, settings_problems = load_settings(root)
    problems += settings_problems
    log = Log(root=str(root), settings=settings)
    topics = load_topics(root)
    log.topics = topics.topics
    problems += topics.problems
    for path in record_files(root / STAKEHOLDERS):
        sid = path.stem
        table, origin, probs = _read_table(root, path)
        if table is not None:
            s, probs = records.stakeholder_from_table(sid, table, origin)
            if s is not None:
                probs += _id_problems(origin, sid, log.stakeholders, "stakeholder")
                log.stakeholders.setdefault(sid, s)
        problems += probs
    for path in record_files(root / MEETINGS):
        mid = path.stem
        table, origin, probs = _read_table(root, path)
        if table is not None:
            m, probs = records.meeting_from_table(mid, table, origin)
            if m is not None:
                probs += _id_problems(origin, mid, log.meetings, "meeting")
                log.meetings.setdefault(mid, m)
        problems += probs
    return LoadResult(log, problems)


def _id_problems(origin: Origin, rid: str, seen: Mapping[str, object], what: str) -> list[Problem]:
    out = []
    if not is_valid_id(rid):
        out.append(Problem(origin.path, None, None, f"file name {rid!r} is not a valid {what} id "
                                                    "(lower-case letters, digits and single hyphens)"))
    if rid in seen:
        other = getattr(seen[rid], "origin", None)
        out.append(Problem(origin.path, None, None, f"duplicate {what} id {rid!r}, also in "
                                                    f"{other.path if other else '?'}; this copy is ignored"))
    return out


def stakeholder_relpath(sid: str) -> str:
    """Where the stakeholder with id `sid` lives, relative to the log: stakeholders/<id>.toml."""
    return f"{STAKEHOLDERS}/{sid}.toml"


def meeting_relpath(m: Meeting) -> str:
    """Where a meeting lives, relative to the log: meetings/<year>/<id>.toml."""
    return f"{MEETINGS}/{m.date.year:04d}/{m.id}.toml"


def stakeholder_path(root: Path, sid: str) -> Path:
    """Where the stakeholder with id `sid` lives."""
    return root / stakeholder_relpath(sid)


def meeting_path(root: Path, m: Meeting) -> Path:
    """Where a meeting lives: meetings/<year>/<id>.toml."""
    return root / meeting_relpath(m)


def save_stakeholder(root: Path, s: Stakeholder) -> Path:
    """Write a new stakeholder file; refuse if one with its id exists."""
    path = stakeholder_path(root, s.id)
    write_file(path, _dumps(records.stakeholder_to_table(s)), overwrite=False)
    return path


def save_meeting(root: Path, m: Meeting) -> Path:
    """Write a new meeting file; refuse if one with its id exists."""
    path = meeting_path(root, m)
    write_file(path, _dumps(records.meeting_to_table(m)), overwrite=False)
    return path


def save_topics(root: Path, topics: Mapping[str, Topic]) -> Path:
    """Write a new topics.toml with the given vocabulary; refuse if one exists (existing ones are edited in place)."""
    path = root / TOPICS
    write_file(path, _dumps(records.topics_to_table(topics)), overwrite=False)
    return path


def init_log(folder: Path, name: str, sample: Path | None = None) -> Path:
    """Make a new log in `folder` (which must be empty or absent), empty or as a copy of `sample`."""
    if (folder / MARKER).exists():
        raise NaftaLogError(f"{folder} already holds a log ({MARKER}); nothing was changed")
    if folder.exists() and not folder.is_dir():
        raise NaftaLogError(f"{folder} exists and is not a folder")
    if folder.exists() and any(folder.iterdir()):
        raise NaftaLogError(f"{folder} is not empty; give a new or empty folder")
    import shutil
    try:
        if sample is not None:
            shutil.copytree(sample, folder, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns(CACHE, "__pycache__", ".*.tmp"))
        else:
            folder.mkdir(parents=True, exist_ok=True)
            write_file(folder / MARKER, _dumps({"schema_version": records.SCHEMA_VERSION, "name": name}),
                       overwrite=False)
            (folder / STAKEHOLDERS).mkdir(exist_ok=True)
            (folder / MEETINGS).mkdir(exist_ok=True)
        gitignore = folder / ".gitignore"
        if not gitignore.exists():
            write_file(gitignore, f"{CACHE}/\n", overwrite=False)
    except OSError as exc:
        raise write_error(folder, exc) from None
    return folder
