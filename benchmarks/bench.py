"""Time whole nafta-log commands as a user runs them, against the time Python takes to start with its libraries.

    python benchmarks/bench.py [SCENARIO ...] [--log DIR] [--compare DIR2] [--runs N] [--warmup N] [--json FILE]

Each command and the baseline run round-robin (one warm-up round, then --runs timed rounds) so that
drift in the machine's speed hits them all alike; the table gives the median wall time of each and its
ratio to the baseline's median. With --compare, `queries` and `add` are timed on both logs in the same
rounds and each command on the larger log gets its ratio to the same command on the smaller one.
`build` has its own round-robin: the first index build against parsing every record file with tomllib.
Run it with the interpreter nafta-log is installed in (.venv/bin/python).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import importlib.util
import json
import os
import platform
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Callable, NamedTuple, Sequence

REPO = Path(__file__).resolve().parent.parent
SAMPLE_LOG = REPO / "data"
INDEX_FOLDER = ".nafta-log"
BASELINE_CODE = "import typer, rich.console, rich.table, tomllib, dateutil.parser"
BASELINE_LABEL = "baseline (python + imports)"
QUERIES = (("meetings", "--person", "Dias"), ("who", "--person", "Dias"), ("topics",), ("people",))
ADD = ("add", "meeting", "--title", "Benchmark meeting", "--date", "2016-05-01", "--with", "Dias")
REINDEX = ("reindex",)
REINDEX_LABEL = "reindex (first build)"
# Parses every record file the way the target is stated: tomllib, one process, dot folders skipped.
PARSE_CODE = """\
import os, sys, tomllib
count = 0
for top, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if not d.startswith(".")]
    for name in files:
        if name.endswith(".toml"):
            with open(os.path.join(top, name), "rb") as f:
                tomllib.load(f)
            count += 1
print(count)
"""
PARSE_LABEL = "tomllib parse of every file"
SCENARIOS = {
    "sample": "meetings --person Dias on the repo's sample log, piped and on a terminal (the target: at most 1.1x "
              "the baseline run the same way)",
    "queries": "meetings --person Dias, who --person Dias, topics, people on --log (and on --compare)",
    "add": "add meeting ... --with Dias on a scratch copy of --log (and of --compare), never on the log itself",
    "changed": "meetings --person Dias on a scratch copy of --log, 100 meeting files changed behind its back "
               "(untimed) before each run; checks the answer at the end",
    "build": "reindex of a scratch copy of --log whose index was deleted (untimed) before each run, against "
             "parsing every file with tomllib in one process; 3 runs unless --runs",
}
COMPARED = ("queries", "add")  # the scenarios --compare times on both logs
EDITS, ADDS, DELETES = 40, 30, 30  # the changes made before each run of `changed`
DIAS_EDITS, DIAS_ADDS = 4, 3  # of which touch meetings with Dias, so that the answer changes every time
CHANGES = EDITS + ADDS + DELETES
MIN_CHANGED_MEETINGS = 200
DEFAULT_RUNS, DEFAULT_BUILD_RUNS = 15, 3
# The targets, stated for a log of TARGET_MEETINGS meetings.
TARGET_MEETINGS = 100_000
SAMPLE_TARGET = 1.10  # sample: x the baseline
QUERY_TARGET = 2.0  # queries at 100,000 meetings: x the baseline
QUERY_SCALE_TARGET = 1.3  # queries: x the same command at 1,000 meetings
CHANGED_TARGET = 3.0  # changed: x the baseline
ADD_SCALE_TARGET = 1.2  # add: x the same command at 1,000 meetings
BUILD_TARGET = 0.7  # build: x the tomllib parse
MEMORY_TARGET_MB = 60  # peak memory of a query at 100,000 meetings
# ru_maxrss is in kilobytes on Linux and in bytes on macOS.
RSS_UNIT = 1 if sys.platform == "darwin" else 1024


class Command(NamedTuple):
    """One command line to time: its scenario, the log it stands for and where it runs, and its untimed setup."""

    scenario: str
    label: str
    argv: tuple[str, ...]
    log: Path | None
    origin: Path | None = None
    where: str = ""
    prepare: Callable[[], object] | None = None
    terminal: bool = False  # stdout on a pseudo-terminal (as a person runs it) rather than /dev/null


class Run(NamedTuple):
    """One run of a command: wall time, CPU time (its own and its children's), peak memory."""

    seconds: float
    cpu_seconds: float
    rss_bytes: int


class Result(NamedTuple):
    """The timed runs of one command."""

    command: Command
    runs: list[Run]

    @property
    def seconds(self) -> list[float]:
        """The wall time of each run."""
        return [r.seconds for r in self.runs]

    @property
    def median(self) -> float:
        """The median wall time in seconds."""
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float:
        """The median CPU time (user + system) in seconds: less sensitive than wall time to a busy machine."""
        return statistics.median(r.cpu_seconds for r in self.runs)

    @property
    def peak_rss_bytes(self) -> int:
        """The largest peak memory of the runs."""
        return max(r.rss_bytes for r in self.runs)

    @property
    def peak_mb(self) -> float:
        """The largest peak memory of the runs in MB (2**20 bytes)."""
        return self.peak_rss_bytes / 2**20


class Answer(NamedTuple):
    """The `changed` scenario's check: its last answer against the answer after a rebuild from the files."""

    where: str
    right: bool
    meetings: int
    rebuilt: int
    at_start: int


class BenchError(Exception):
    """A command could not be timed (it failed, or the setup is wrong)."""


# --- setup -------------------------------------------------------------------------------------------------

def nafta_log_command() -> tuple[list[str], str]:
    """How to run nafta-log: the console script next to this interpreter, as users do, else `python -m nafta_log`."""
    script = Path(sys.executable).parent / "nafta-log"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)], f"the console script {script}"
    return [sys.executable, "-m", "nafta_log"], f"{sys.executable} -m nafta_log (no console script next to it)"


def compile_package() -> Path:
    """Byte-compile the nafta_log package this interpreter imports, and return its folder.

    With PYTHONDONTWRITEBYTECODE=1 (set on our machines) Python never saves the .pyc files it compiles,
    so every timed run would compile all of nafta_log's sources again: a cost users never pay, since pip
    compiles a package when it installs it. compileall writes the .pyc files whatever that variable says.
    """
    spec = importlib.util.find_spec("nafta_log")
    if spec is None or spec.origin is None:
        raise BenchError(f"{sys.executable} cannot import nafta_log; run bench.py with the interpreter "
                         "nafta-log is installed in, e.g. .venv/bin/python benchmarks/bench.py")
    folder = Path(spec.origin).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(folder)], check=True)
    return folder


def copy_log(log: Path, dest: Path) -> None:
    """Copy the log's files and folders, all but its index, into the new folder `dest` with one `cp -a`.

    The copy of a 100,000-file log takes a while (tens of seconds on a busy disk), so each log is copied once
    per invocation, by `cp -a` in one process rather than shutil.copytree's Python loop over the files.
    """
    dest.mkdir(parents=True)
    entries = sorted(str(p) for p in log.iterdir() if p.name != INDEX_FOLDER)
    done = subprocess.run(["cp", "-a", "--", *entries, str(dest)], stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise BenchError(f"cp -a of {log} to {dest} failed: {done.stderr.strip()}")


def query_json(nafta: list[str], log: Path) -> list[dict[str, object]]:
    """The answer of `meetings --person Dias --format json` on the log, untimed."""
    argv = [*nafta, *QUERIES[0], "--format", "json", "--log", str(log)]
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"`{shlex.join(argv)}` exited with {done.returncode}:\n{done.stderr}")
    if done.stderr.strip():
        print(f"note: `{shlex.join(argv)}` wrote to stderr: {done.stderr.splitlines()[0]}", file=sys.stderr)
    return json.loads(done.stdout)


class Scratch:
    """Scratch copies of logs in a temporary folder deleted when the stack closes: one per log per invocation."""

    def __init__(self, stack: ExitStack, nafta: list[str]) -> None:
        """An empty set of copies, made under a new temporary folder."""
        self.folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nafta-log-bench-")))
        self.nafta = nafta
        self.copies: dict[Path, Path] = {}
        self.answers: dict[Path, list[dict[str, object]]] = {}
        self.notes: list[str] = []

    def copy_of(self, log: Path) -> Path:
        """The copy of `log`, made (and its index built by one untimed run of nafta-log) on first use."""
        if log not in self.copies:
            copy = self.folder / str(len(self.copies)) / log.name
            progress(f"copying {log} with cp -a")
            start = time.perf_counter()
            copy_log(log, copy)
            copied = time.perf_counter() - start
            progress(f"building the index of the copy of {log}")
            self.answers[log] = query_json(self.nafta, copy)
            built = time.perf_counter() - start - copied
            progress("")
            self.copies[log] = copy
            self.notes.append(f"scratch copy of {log}: cp -a in {copied:.1f} s, then its index built "
                              f"by one untimed run in {built:.1f} s")
        return self.copies[log]

    def dias_meetings(self, log: Path) -> list[Path]:
        """The files, in the copy of `log`, of the meetings `meetings --person Dias` found when the copy was made."""
        copy = self.copy_of(log)
        paths = [copy / "meetings" / str(m["date"])[:4] / f"{m['id']}.toml" for m in self.answers[log]]
        return [p for p in paths if p.is_file()]


def rewrite_line(text: str, key: str, value: str) -> str:
    """A meeting file's text with its one-line string `key = "..."` set to `value` (text without quotes).

    A meeting without a summary gets one after its title line, among the top-level keys.
    """
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith(f'{key} = "') and not line.startswith(f'{key} = """'):
            lines[i] = f'{key} = "{value}"\n'
            return "".join(lines)
    for i, line in enumerate(lines):
        if key == "summary" and line.startswith('title = "') and line.endswith('"\n'):
            lines.insert(i + 1, f'{key} = "{value}"\n')
            return "".join(lines)
    raise BenchError(f"no one-line {key} to rewrite in a meeting file:\n{text[:200]}")


def edited(text: str, tag: str) -> str:
    """A meeting's text with its summary rewritten, as by an edit in place."""
    return rewrite_line(text, "summary", f"Rewritten behind nafta-log's back by bench.py ({tag}).")


def copied(text: str, tag: str) -> str:
    """A meeting's text for a new meeting: its title and summary rewritten, so that it is no duplicate."""
    return rewrite_line(edited(text, tag), "title", f"Bench meeting {tag} added behind nafta-log's back")


def meeting_files(log: Path) -> list[Path]:
    """Every meeting file of the log, in a stable order."""
    return sorted((log / "meetings").rglob("*.toml"))


def pop_random(items: list[Path], rng: random.Random) -> Path:
    """Remove a random item from the list in constant time (its order does not matter) and return it."""
    i = rng.randrange(len(items))
    items[i], items[-1] = items[-1], items[i]
    return items.pop()


class BehindTheBack:
    """Changes 100 meeting files of a log as another program would: 40 edited in place, 30 added, 30 deleted.

    Some of each touch meetings with Dias, so the answer of `meetings --person Dias` changes every round.
    Added files are copies of the log's meetings under new ids in the same meetings/<year>/ folder; the
    deleted ones are those added in earlier rounds, oldest first, or (in the first round) the log's own.
    No record refers to a meeting, so the log stays valid.
    """

    def __init__(self, log: Path, dias: Sequence[Path], seed: int = 1) -> None:
        """Ready to change `log`, whose meetings with Dias are in the files `dias`."""
        self.rng = random.Random(seed)
        self.originals = meeting_files(log)  # the log's own meetings that are still there
        self.dias = list(dias)
        self.added: list[Path] = []  # files added by earlier rounds, oldest first
        self.rounds = 0

    def __call__(self) -> None:
        """One round of changes, made (untimed) just before one run of the command."""
        self.rounds += 1
        self.delete(DELETES)
        for i, path in enumerate(self.pick(EDITS, DIAS_EDITS)):
            path.write_text(edited(path.read_text("utf-8"), f"edit {self.rounds}.{i}"), "utf-8")
        for i, source in enumerate(self.pick(ADDS, DIAS_ADDS)):
            target = source.with_name(f"{source.stem}-bench-{self.rounds}-{i}.toml")
            target.write_text(copied(source.read_text("utf-8"), f"copy {self.rounds}.{i}"), "utf-8")
            self.added.append(target)

    def pick(self, count: int, with_dias: int) -> list[Path]:
        """`count` distinct meetings of the log's own, `with_dias` of them (when there are so many) with Dias."""
        chosen = set(self.rng.sample(self.dias, min(with_dias, len(self.dias))))
        while len(chosen) < count:
            chosen.add(self.rng.choice(self.originals))
        return sorted(chosen)

    def delete(self, count: int) -> None:
        """Delete `count` meetings: those added by earlier rounds first, then the log's own."""
        victims, self.added = self.added[:count], self.added[count:]
        while len(victims) < count:
            victims.append(pop_random(self.originals, self.rng))
        for path in victims:
            path.unlink()
        gone = set(victims)
        self.dias = [p for p in self.dias if p not in gone]


def check_answer(nafta: list[str], copy: Path, where: str, at_start: int) -> Answer:
    """Whether `meetings --person Dias` on the changed copy answers as it does after a rebuild from the files."""
    progress("checking the answer against a rebuild of the index")
    answer = query_json(nafta, copy)
    shutil.rmtree(copy / INDEX_FOLDER)
    rebuilt = query_json(nafta, copy)
    progress("")
    return Answer(where, answer == rebuilt, len(answer), len(rebuilt), at_start)


def where_labels(logs: Sequence[Path]) -> dict[Path, str]:
    """A short name for each log by its size ("1k", "100k"), with its folder's name when two sizes are alike."""
    labels = {log: "sample" if log == SAMPLE_LOG else size_label(meeting_count(log)) for log in logs}
    if len(set(labels.values())) < len(labels):
        labels = {log: f"{label} ({log.name})" for log, label in labels.items()}
    return labels


def scenario_commands(scenario: str, logs: Sequence[Path], wheres: dict[Path, str], nafta: list[str],
                      scratch: Scratch) -> list[Command]:
    """The commands of one scenario, each with `--log` pointing at the log (or scratch copy) it is timed on.

    `logs` is --log and then --compare if given; only the `queries` and `add` scenarios use --compare, and
    the commands of a query on the two logs come one after the other so that they run close together.
    """
    def command(args: tuple[str, ...], log: Path, where: Path, prepare: Callable[[], object] | None = None,
                label: str | None = None) -> Command:
        """One command of the scenario: `args` run with `--log where`, standing for `log`."""
        return Command(scenario, label or shlex.join(args), (*nafta, *args, "--log", str(where)), where,
                       log, wheres.get(log, "sample"), prepare)

    if scenario == "sample":
        piped = command(QUERIES[0], SAMPLE_LOG, SAMPLE_LOG)
        return [piped, piped._replace(terminal=True)]
    if scenario == "queries":
        return [command(q, log, log) for q in QUERIES for log in logs]
    if scenario == "add":
        return [command(ADD, log, scratch.copy_of(log)) for log in logs]
    if scenario == "changed":
        if meeting_count(logs[0]) < MIN_CHANGED_MEETINGS:
            raise BenchError(f"changed needs a log of at least {MIN_CHANGED_MEETINGS} meetings; {logs[0]} has "
                             f"{meeting_count(logs[0])}")
        copy = scratch.copy_of(logs[0])
        return [command(QUERIES[0], logs[0], copy, BehindTheBack(copy, scratch.dias_meetings(logs[0])))]
    copy = scratch.copy_of(logs[0])
    drop_index = functools.partial(shutil.rmtree, copy / INDEX_FOLDER, ignore_errors=True)
    parse = Command(scenario, PARSE_LABEL, (sys.executable, "-c", PARSE_CODE, str(copy)), copy, logs[0],
                    wheres[logs[0]])
    return [parse, command(REINDEX, logs[0], copy, drop_index, REINDEX_LABEL)]


def terminal_baseline() -> Command:
    """The baseline with its stdout on a terminal: what the terminal run of `sample` is compared with."""
    return baseline_command()._replace(label=BASELINE_LABEL + " on a terminal", terminal=True)


def base_of(command: Command, results: list[Result]) -> float:
    """The median a command's ratio is taken to: the baseline run the same way (on a terminal or not), or the first
    result when there is no baseline among them (the tomllib parse, for `build`)."""
    return next((r.median for r in results if r.command.scenario == "baseline" and r.command.terminal == command.terminal),
                results[0].median)


def baseline_command() -> Command:
    """Python starting and importing the libraries nafta-log is built on: what the ratios are taken against."""
    return Command("baseline", BASELINE_LABEL, (sys.executable, "-c", BASELINE_CODE), None)


# --- timing ------------------------------------------------------------------------------------------------

# Runs one command for `Launcher`: spawns it, waits for it with os.wait4 and answers with its figures as JSON.
LAUNCHER_CODE = """\
import fcntl, json, os, pty, struct, sys, termios, threading, time
main, child = pty.openpty()  # the terminal commands with `terminal` write to; a thread reads it all
fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # 40 rows of 120 columns
def drain():
    while True:
        try:
            if not os.read(main, 1 << 16):
                break
        except OSError:
            break
threading.Thread(target=drain, daemon=True).start()
for line in sys.stdin:
    argv, stderr_path, terminal = json.loads(line)
    fd = os.open(stderr_path, os.O_WRONLY | os.O_TRUNC)
    out = (os.POSIX_SPAWN_DUP2, child, 1) if terminal else (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)
    actions = [out, (os.POSIX_SPAWN_DUP2, fd, 2)]
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    os.close(fd)
    print(json.dumps([elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss,
                      os.waitstatus_to_exitcode(status)]), flush=True)
"""


class Launcher:
    """A small process, started before bench.py grows, that runs and times every command for it.

    Linux counts the peak memory of the process that spawns a command in the command's max RSS (the
    child starts from its parent's address space), so commands spawned by bench.py itself, which holds
    the file lists of a 100,000-meeting log, would all show bench.py's peak. The launcher stays at the
    size of a bare Python, below the baseline's, so os.wait4 there gives each command's own peak memory.
    """

    def __init__(self, stack: ExitStack) -> None:
        """Start the launcher, and a file for the stderr of the commands it runs; both end with the stack."""
        self.process = stack.enter_context(subprocess.Popen(
            [sys.executable, "-c", LAUNCHER_CODE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
        self.stderr = stack.enter_context(tempfile.NamedTemporaryFile(prefix="nafta-log-bench-stderr-"))

    def run(self, argv: Sequence[str], terminal: bool = False) -> Run:
        """Run `argv` with stdout to /dev/null (or a terminal) and stderr to `self.stderr`; fail on an error exit.

        The time is taken in the launcher, around the spawn and the wait, at no cost to the timing; ru_maxrss
        from os.wait4 is the command's own peak memory (and that of the processes it waited for).
        """
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps([list(argv), self.stderr.name, terminal]) + "\n")
        self.process.stdin.flush()
        reply = self.process.stdout.readline()
        if not reply:
            raise BenchError("the launcher process ended unexpectedly")
        elapsed, cpu, maxrss, code = json.loads(reply)
        if code != 0:
            self.stderr.seek(0)
            raise BenchError(f"`{shlex.join(argv)}` exited with {code}:\n"
                             f"{self.stderr.read().decode(errors='replace')}")
        return Run(elapsed, cpu, maxrss * RSS_UNIT)


def measure(launcher: Launcher, commands: list[Command], runs: int, warmup: int) -> list[Result]:
    """Run every command `warmup` + `runs` times, round-robin, keeping the times of the last `runs` rounds.

    A command's `prepare` (changing files, deleting the index) runs before each of its runs, warm-up included,
    outside the timed span.
    """
    timed: dict[Command, list[Run]] = {c: [] for c in commands}
    rounds = warmup + runs
    for i in range(rounds):
        progress(f"round {i + 1}/{rounds}" + (" (warm-up)" if i < warmup else ""))
        for c in commands:
            if c.prepare is not None:
                c.prepare()
            run = launcher.run(c.argv, c.terminal)
            if i == 0:
                note_stderr(c, launcher.stderr)
            if i >= warmup:
                timed[c].append(run)
    progress("")
    return [Result(c, timed[c]) for c in commands]


def progress(text: str) -> None:
    """Show how far the timing has got, on a terminal only, on one line that is overwritten."""
    if sys.stderr.isatty():
        print(f"\r{text[:70]:<70}", end="" if text else "\r", file=sys.stderr, flush=True)


def note_stderr(command: Command, stderr: IO[bytes]) -> None:
    """Say so when a command writes to stderr (warnings about broken files, for example)."""
    stderr.seek(0)
    lines = stderr.read().decode(errors="replace").splitlines()
    if lines and command.scenario != "build":  # reindex reports its progress on stderr
        print(f"note: `{command.label}` wrote {len(lines)} line(s) to stderr, first: {lines[0]}", file=sys.stderr)


# --- report ------------------------------------------------------------------------------------------------

@functools.cache
def meeting_count(log: Path) -> int:
    """How many meeting files the log has (counted once per invocation)."""
    return sum(1 for _ in (log / "meetings").rglob("*.toml"))


def size_label(meetings: int) -> str:
    """A number of meetings in short: 1000 -> "1k", 100000 -> "100k", 2500 -> "2.5k", 800 -> "800"."""
    return f"{meetings / 1000:.4g}k" if meetings >= 1000 else str(meetings)


def log_size(log: Path) -> str:
    """How big a log is: its meetings and stakeholders."""
    stakeholders = sum(1 for _ in (log / "stakeholders").glob("*.toml"))
    return f"{meeting_count(log):,} meetings, {stakeholders:,} stakeholders"


def name_of(command: Command) -> str:
    """The command as the report names it: prefixed with the log it stands for ("100k topics")."""
    if command.scenario == "baseline":
        return command.label
    if command.scenario == "sample":
        return f"sample: {command.label}" + (" on a terminal" if command.terminal else "")
    if command.scenario == "changed":
        return f"{command.where} after {CHANGES} changes: {command.label}"
    return f"{command.where} {command.label}"


def scale_pairs(results: list[Result]) -> dict[Command, Result]:
    """For each command timed on two logs, the command on the larger log mapped to its result on the smaller."""
    groups: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        if r.command.scenario in COMPARED:
            groups.setdefault((r.command.scenario, r.command.label), []).append(r)
    pairs = {}
    for group in groups.values():
        if len(group) == 2:
            small, large = sorted(group, key=lambda r: meeting_count(r.command.origin))
            pairs[large.command] = small
    return pairs


def header(how: str, args: argparse.Namespace, package: Path, notes: list[str]) -> list[str]:
    """The lines that say what was measured, where, and how."""
    logs = [args.log] + ([args.compare] if args.compare else [])
    both = " and ".join(f"{log} ({log_size(log)})" for log in logs)
    lines = [f"nafta-log benchmark, {dt.datetime.now():%Y-%m-%d %H:%M}, Python {platform.python_version()} "
             f"on {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
             f"nafta-log run as {how}",
             f"baseline: {shlex.join([sys.executable, '-c', BASELINE_CODE])}",
             f"byte-compiled {package} first, so that no run pays for compiling its sources"]
    described = {
        "sample": f"{SAMPLE_LOG} ({log_size(SAMPLE_LOG)})",
        "queries": both,
        "add": f"scratch copies of {both}",
        "changed": f"a scratch copy of {args.log}; before each run (warm-up included, untimed) {EDITS} meeting "
                   f"files are edited in place, {ADDS} added and {DELETES} deleted ({DIAS_EDITS} and {DIAS_ADDS} "
                   "of the edits and additions with Dias), then the answer is compared with a rebuild",
        "build": f"a scratch copy of {args.log}, its {INDEX_FOLDER}/ deleted (untimed) before each run, against "
                 "`python -c PARSE_CODE` (tomllib.load of every *.toml, dot folders skipped, one process)",
    }
    lines += [f"{s}: {described[s]}" for s in args.scenarios]
    lines += notes
    if set(args.scenarios) - {"build"}:
        lines.append(f"{args.runs} timed runs after {args.warmup} warm-up, round-robin; times are wall-clock "
                     "medians; cpu s is the median user + system time; peak MB is the largest max RSS (read by a small "
                     "launcher process that runs every command); stdout goes to /dev/null, except for the runs \"on a terminal\" "
                     "(a pseudo-terminal, read by the launcher), whose ratio is to the baseline run on a terminal too")
    if "build" in args.scenarios:
        lines.append(f"build: {args.build_runs} timed runs after {args.warmup} warm-up, round-robin, in rounds "
                     "of their own after the others")
    return lines


def load_line(before: float, after: float) -> list[str]:
    """The machine's load average before and after timing, with a warning when it was busy."""
    cpus = os.cpu_count() or 1
    line = f"load average {before:.2f} before, {after:.2f} after, on {cpus} CPUs"
    if max(before, after) > cpus / 2:
        line += ": the machine was busy, so wall times are noisy (compare ratios and cpu s, or run again)"
    return [line]


def table(results: list[Result], base_name: str, pairs: dict[Command, Result]) -> list[str]:
    """The results as an aligned table: wall seconds (median, min, max), ratios, CPU seconds, peak memory.

    `ratio` is to `base_name` run the same way (on a terminal or not); `of smaller` is to the same command on the
    smaller log.
    """
    if not results:
        return []
    width = max(len(name_of(r.command)) for r in results)
    scale = f"  {'of smaller':>10}" if pairs else ""
    lines = [f"{'command':<{width}}  {'median s':>8}  {'min s':>6}  {'max s':>6}  {'x ' + base_name:>10}{scale}  "
             f"{'cpu s':>6}  {'peak MB':>7}"]
    for r in results:
        small = pairs.get(r.command)
        ratio = f"  {r.median / small.median:9.2f}x" if small else "  " + " " * 10 if pairs else ""
        lines.append(f"{name_of(r.command):<{width}}  {r.median:8.3f}  {min(r.seconds):6.3f}  "
                     f"{max(r.seconds):6.3f}  {r.median / base_of(r.command, results):9.2f}x{ratio}  {r.cpu_median:6.3f}  "
                     f"{r.peak_mb:7.1f}")
    return lines


def verdict(what: str, value: float, limit: float, unit: str, digits: int = 2) -> str:
    """One target line: what was measured, its value and limit, and whether it was met."""
    return (f"{what}: {value:.{digits}f}{unit} (target at most {limit:.{digits}f}{unit}): "
            + ("met" if value <= limit else "NOT met"))


def target_lines(results: list[Result], pairs: dict[Command, Result], answer: Answer | None,
                 build: list[Result]) -> list[str]:
    """Whether each figure meets the issue's target, for the figures this invocation measured."""
    lines: list[str] = []
    timed = [r for r in results if r.command.origin is not None]
    largest = max((meeting_count(r.command.origin) for r in timed + build), default=0)
    for r in timed:
        ratio, name = r.median / base_of(r.command, results), name_of(r.command)
        small = pairs.get(r.command)
        if r.command.scenario == "sample":
            lines.append(verdict(name, ratio, SAMPLE_TARGET, "x baseline" + (" on a terminal" if r.command.terminal
                                                                              else "")))
        elif r.command.scenario == "queries" and meeting_count(r.command.origin) == largest:
            lines.append(verdict(name, ratio, QUERY_TARGET, "x baseline"))
            if small:
                lines.append(verdict(name, r.median / small.median, QUERY_SCALE_TARGET, f"x of {small.command.where}"))
            lines.append(verdict(f"{name} peak memory", r.peak_mb, MEMORY_TARGET_MB, " MB", 0))
        elif r.command.scenario == "add" and small:
            lines.append(verdict(name, r.median / small.median, ADD_SCALE_TARGET, f"x of {small.command.where}"))
        elif r.command.scenario == "changed":
            lines.append(verdict(name, ratio, CHANGED_TARGET, "x baseline"))
    if answer:
        lines.append(f"{answer.where} after {CHANGES} changes: answer right (target: yes): "
                     + ("yes" if answer.right else "NO"))
    if len(build) == 2:
        lines.append(verdict(name_of(build[1].command), build[1].median / build[0].median, BUILD_TARGET,
                             "x tomllib parse"))
    if lines and largest != TARGET_MEETINGS and any(r.command.scenario != "sample" for r in timed + build):
        lines.append(f"(the issue's targets other than sample's are stated for {TARGET_MEETINGS:,} meetings; the "
                     f"largest log here has {largest:,})")
    return lines


def seconds_text(seconds: float) -> str:
    """Seconds to three decimals, or one for long runs."""
    return f"{seconds:.3f} s" if seconds < 10 else f"{seconds:.1f} s"


def summary(results: list[Result], pairs: dict[Command, Result], answer: Answer | None,
            build: list[Result]) -> list[str]:
    """One pasteable line per figure: `100k meetings --person Dias  0.210 s  1.35x baseline  1.04x of 1k  31 MB`."""
    lines = []
    for r in results:
        small = pairs.get(r.command)
        scale = f"  {r.median / small.median:.2f}x of {small.command.where}" if small else ""
        lines.append(f"{name_of(r.command)}  {seconds_text(r.median)}  {r.median / base_of(r.command, results):.2f}x baseline{scale}  "
                     f"{r.peak_mb:.0f} MB")
    if answer:
        lines.append(f"{answer.where} after {CHANGES} changes: answer right: {'yes' if answer.right else 'no'} "
                     f"({answer.meetings} meetings with Dias, {answer.rebuilt} after a rebuild from the files, "
                     f"{answer.at_start} before the changes)")
    if len(build) == 2:
        parse, reindex = build
        lines.append(f"{name_of(parse.command)}  {seconds_text(parse.median)}  {parse.peak_mb:.0f} MB")
        lines.append(f"{name_of(reindex.command)}  {seconds_text(reindex.median)}  "
                     f"{reindex.median / parse.median:.2f}x tomllib parse  {reindex.peak_mb:.0f} MB")
    return lines


def result_json(r: Result, base: float, base_name: str, pairs: dict[Command, Result]) -> dict[str, object]:
    """One result as JSON-ready data."""
    c, small = r.command, pairs.get(r.command)
    return {"scenario": c.scenario, "command": c.label, "name": name_of(c), "argv": list(c.argv),
            "log": str(c.log) if c.log else None, "origin": str(c.origin) if c.origin else None,
            "meetings": meeting_count(c.origin) if c.origin else None, "median_s": r.median,
            "min_s": min(r.seconds), "max_s": max(r.seconds), "ratio": r.median / base, "ratio_to": base_name,
            "ratio_to_smaller": r.median / small.median if small else None,
            "smaller": str(small.command.origin) if small else None,
            "cpu_median_s": r.cpu_median, "peak_rss_mb": r.peak_mb, "times_s": r.seconds}


def to_json(results: list[Result], build: list[Result], answer: Answer | None, how: str, package: Path,
            args: argparse.Namespace, load: tuple[float, float]) -> dict[str, object]:
    """The results as JSON-ready data, with what is needed to compare runs made on other days."""
    pairs = scale_pairs(results)
    return {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "python": sys.executable, "python_version": platform.python_version(),
        "platform": platform.platform(), "cpus": os.cpu_count(), "load_average": list(load),
        "nafta_log": how, "nafta_log_package": str(package),
        "runs": args.runs, "build_runs": args.build_runs, "warmup": args.warmup,
        "results": [result_json(r, base_of(r.command, results), "baseline" + (" on a terminal" if r.command.terminal
                                                                                  else ""), pairs) for r in results],
        "build": [result_json(r, build[0].median, "tomllib parse", {}) for r in build],
        "changed_answer": answer._asdict() if answer else None,
    }


# --- command line ------------------------------------------------------------------------------------------

def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command-line arguments."""
    parser = argparse.ArgumentParser(
        description="Time nafta-log commands against the start-up of Python with nafta-log's libraries.",
        epilog="scenarios:\n" + "\n".join(f"  {k:<8} {v}" for k, v in SCENARIOS.items())
               + "\n\nexamples:\n  .venv/bin/python benchmarks/bench.py sample queries --log /tmp/log-1k"
               "\n  .venv/bin/python benchmarks/bench.py queries add changed --log /tmp/log-100k "
               "--compare /tmp/log-1k\n  .venv/bin/python benchmarks/bench.py build --log /tmp/log-100k",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", metavar="SCENARIO", nargs="*", default=["sample"],
                        help=f"any of {', '.join(SCENARIOS)} (default: sample)")
    parser.add_argument("--log", metavar="DIR", type=Path, default=SAMPLE_LOG,
                        help="the log for queries, add, changed and build (default: the repo's data/ sample log); "
                             "the large one when comparing")
    parser.add_argument("--compare", metavar="DIR2", type=Path,
                        help="also time queries and add on DIR2 in the same rounds, and give each command's ratio "
                             "larger log / smaller log (e.g. --log /tmp/log-100k --compare /tmp/log-1k)")
    parser.add_argument("--runs", metavar="N", type=int,
                        help=f"timed runs of each command (default: {DEFAULT_RUNS}, and {DEFAULT_BUILD_RUNS} "
                             "for build)")
    parser.add_argument("--warmup", metavar="N", type=int, default=1, help="untimed runs first (default: 1)")
    parser.add_argument("--json", metavar="FILE", type=Path, help="also save the results as JSON to FILE")
    args = parser.parse_args(argv)
    unknown = [s for s in args.scenarios if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {unknown[0]!r}; choose from {', '.join(SCENARIOS)}")
    if (args.runs is not None and args.runs < 1) or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")
    for option, log in (("--log", args.log), ("--compare", args.compare)):
        if log is not None and not (log / "nafta-log.toml").is_file():
            parser.error(f"{option} {log}: not a nafta-log log (no nafta-log.toml in it)")
    args.log = args.log.resolve()
    args.compare = args.compare.resolve() if args.compare else None
    if args.compare == args.log:
        parser.error("--compare must name another log than --log")
    args.scenarios = list(dict.fromkeys(args.scenarios))
    if args.compare and not set(args.scenarios) & set(COMPARED):
        parser.error(f"--compare applies to {' and '.join(COMPARED)}; name at least one of them")
    args.build_runs = args.runs or DEFAULT_BUILD_RUNS
    args.runs = args.runs or DEFAULT_RUNS
    return args


def main(argv: list[str] | None = None) -> None:
    """Time the chosen scenarios and print the report (and save it as JSON with --json)."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    nafta, how = nafta_log_command()
    logs = [args.log] + ([args.compare] if args.compare else [])
    wheres = where_labels(logs)
    answer = None
    try:
        with ExitStack() as stack:
            launcher = Launcher(stack)  # first, while bench.py is small
            package = compile_package()
            scratch = Scratch(stack, nafta)
            commands = [baseline_command()] + ([terminal_baseline()] if "sample" in args.scenarios else [])
            for s in args.scenarios:
                if s != "build":
                    commands += scenario_commands(s, logs, wheres, nafta, scratch)
            builds = scenario_commands("build", logs, wheres, nafta, scratch) if "build" in args.scenarios else []
            before = os.getloadavg()[0]
            results = measure(launcher, commands, args.runs, args.warmup) if len(commands) > 1 else []
            if "changed" in args.scenarios:
                answer = check_answer(nafta, scratch.copy_of(args.log), wheres[args.log],
                                      len(scratch.answers[args.log]))
            build = measure(launcher, builds, args.build_runs, args.warmup) if builds else []
            load = (before, os.getloadavg()[0])
    except BenchError as exc:
        sys.exit(f"bench.py: {exc}")
    pairs = scale_pairs(results)
    sections = [header(how, args, package, scratch.notes) + load_line(*load),
                table(results, "baseline", pairs), table(build, "parse", {}),
                target_lines(results, pairs, answer, build), summary(results, pairs, answer, build)]
    print("\n\n".join("\n".join(lines) for lines in sections if lines))
    if args.json:
        args.json.write_text(json.dumps(to_json(results, build, answer, how, package, args, load), indent=2) + "\n")


if __name__ == "__main__":
    main()
