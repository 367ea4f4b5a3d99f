"""Time whole nafta-log commands as a user runs them, against the time Python takes to start with its libraries.

    python benchmarks/bench.py [SCENARIO ...] [--log DIR] [--runs N] [--warmup N] [--json FILE]

Each command and the baseline run round-robin (one warm-up round, then --runs timed rounds) so that
drift in the machine's speed hits them all alike; the table gives the median wall time of each and its
ratio to the baseline's median. Run it with the interpreter nafta-log is installed in (.venv/bin/python).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import IO, NamedTuple, Sequence

REPO = Path(__file__).resolve().parent.parent
SAMPLE_LOG = REPO / "data"
BASELINE_CODE = "import typer, rich.console, rich.table, tomllib, dateutil.parser"
BASELINE_LABEL = "baseline (python + imports)"
QUERIES = (("meetings", "--person", "Dias"), ("who", "--person", "Dias"), ("topics",), ("people",))
ADD = ("add", "meeting", "--title", "Benchmark meeting", "--date", "2016-05-01", "--with", "Dias")
SCENARIOS = {
    "sample": "meetings --person Dias on the repo's sample log (the target: at most 1.1x the baseline)",
    "queries": "meetings --person Dias, who --person Dias, topics, people on --log",
    "add": "add meeting ... --with Dias on a scratch copy of --log (never on the log itself)",
}
SAMPLE_TARGET = 1.10
# ru_maxrss is in kilobytes on Linux and in bytes on macOS.
RSS_UNIT = 1 if sys.platform == "darwin" else 1024


class Command(NamedTuple):
    """One command line to time, with the scenario it belongs to and the log it reads."""

    scenario: str
    label: str
    argv: tuple[str, ...]
    log: Path | None


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


def scratch_copy(log: Path, stack: ExitStack) -> Path:
    """A copy of the log in a temporary folder that is deleted when `stack` closes."""
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nafta-log-bench-")))
    return Path(shutil.copytree(log, folder / log.name, ignore=shutil.ignore_patterns(".nafta-log")))


def scenario_commands(scenario: str, log: Path, nafta: list[str], stack: ExitStack) -> list[Command]:
    """The commands of one scenario, each with `--log` pointing at the log it is timed on."""
    runs: list[tuple[tuple[str, ...], Path]]
    if scenario == "sample":
        runs = [(QUERIES[0], SAMPLE_LOG)]
    elif scenario == "queries":
        runs = [(q, log) for q in QUERIES]
    else:
        runs = [(ADD, scratch_copy(log, stack))]
    return [Command(scenario, shlex.join(args), (*nafta, *args, "--log", str(where)), where)
            for args, where in runs]


def baseline_command() -> Command:
    """Python starting and importing the libraries nafta-log is built on: what the ratios are taken against."""
    return Command("baseline", BASELINE_LABEL, (sys.executable, "-c", BASELINE_CODE), None)


# --- timing ------------------------------------------------------------------------------------------------

def run_once(argv: Sequence[str], stderr: IO[bytes]) -> Run:
    """Run `argv` with stdout to /dev/null and stderr to `stderr`; fail if it exits with an error.

    os.wait4 gives the resource usage of that one child (and of the processes it waited for), so its
    ru_maxrss is the command's own peak memory, measured in the timed run itself at no cost to the timing.
    """
    stderr.seek(0)
    stderr.truncate()
    actions = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0), (os.POSIX_SPAWN_DUP2, stderr.fileno(), 2)]
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], list(argv), os.environ, file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        stderr.seek(0)
        raise BenchError(f"`{shlex.join(argv)}` exited with {code}:\n{stderr.read().decode(errors='replace')}")
    return Run(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * RSS_UNIT)


def measure(commands: list[Command], runs: int, warmup: int) -> list[Result]:
    """Run every command `warmup` + `runs` times, round-robin, keeping the times of the last `runs` rounds."""
    timed: dict[Command, list[Run]] = {c: [] for c in commands}
    rounds = warmup + runs
    with tempfile.TemporaryFile() as stderr:
        for i in range(rounds):
            progress(f"round {i + 1}/{rounds}" + (" (warm-up)" if i < warmup else ""))
            for c in commands:
                run = run_once(c.argv, stderr)
                if i == 0:
                    note_stderr(c, stderr)
                if i >= warmup:
                    timed[c].append(run)
    progress("")
    return [Result(c, timed[c]) for c in commands]


def progress(text: str) -> None:
    """Show how far the timing has got, on a terminal only, on one line that is overwritten."""
    if sys.stderr.isatty():
        print(f"\r{text:<40}", end="" if text else "\r", file=sys.stderr, flush=True)


def note_stderr(command: Command, stderr: IO[bytes]) -> None:
    """Say so when a command writes to stderr (warnings about broken files, for example)."""
    stderr.seek(0)
    lines = stderr.read().decode(errors="replace").splitlines()
    if lines:
        print(f"note: `{command.label}` wrote {len(lines)} line(s) to stderr, first: {lines[0]}", file=sys.stderr)


# --- report ------------------------------------------------------------------------------------------------

def log_size(log: Path) -> str:
    """How big a log is: its meetings and stakeholders."""
    meetings = sum(1 for _ in (log / "meetings").rglob("*.toml"))
    stakeholders = sum(1 for _ in (log / "stakeholders").glob("*.toml"))
    return f"{meetings:,} meetings, {stakeholders:,} stakeholders"


def label_of(result: Result, prefixed: bool) -> str:
    """The command as shown in the report; prefixed with its scenario when several scenarios ran."""
    c = result.command
    return f"{c.scenario}: {c.label}" if prefixed and c.scenario != "baseline" else c.label


def header(how: str, scenarios: list[str], log: Path, runs: int, warmup: int, package: Path) -> list[str]:
    """The lines that say what was measured, where, and how."""
    logs = {"sample": SAMPLE_LOG, "queries": log, "add": log}
    lines = [f"nafta-log benchmark, {dt.datetime.now():%Y-%m-%d %H:%M}, Python {platform.python_version()} "
             f"on {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
             f"nafta-log run as {how}",
             f"baseline: {shlex.join([sys.executable, '-c', BASELINE_CODE])}",
             f"byte-compiled {package} first, so that no run pays for compiling its sources"]
    for s in scenarios:
        where = "a scratch copy of " if s == "add" else ""
        lines.append(f"{s}: {where}{logs[s]} ({log_size(logs[s])})")
    lines.append(f"{runs} timed runs after {warmup} warm-up, round-robin; times are wall-clock medians; cpu s is "
                 "the median user + system time; peak MB is the largest max RSS; stdout goes to /dev/null")
    return lines


def load_line(before: float, after: float) -> list[str]:
    """The machine's load average before and after timing, with a warning when it was busy."""
    cpus = os.cpu_count() or 1
    line = f"load average {before:.2f} before, {after:.2f} after, on {cpus} CPUs"
    if max(before, after) > cpus / 2:
        line += ": the machine was busy, so wall times are noisy (compare ratios and cpu s, or run again)"
    return [line]


def table(results: list[Result], prefixed: bool) -> list[str]:
    """The results as an aligned table: wall seconds (median, min, max), ratio, CPU seconds, peak memory."""
    base = results[0].median
    width = max(len(label_of(r, prefixed)) for r in results)
    lines = [f"{'command':<{width}}  {'median s':>8}  {'min s':>6}  {'max s':>6}  {'ratio':>6}  {'cpu s':>6}  "
             f"{'peak MB':>7}"]
    for r in results:
        lines.append(f"{label_of(r, prefixed):<{width}}  {r.median:8.3f}  {min(r.seconds):6.3f}  "
                     f"{max(r.seconds):6.3f}  {r.median / base:5.2f}x  {r.cpu_median:6.3f}  "
                     f"{r.peak_rss_bytes / 2**20:7.1f}")
    return lines


def summary(results: list[Result], prefixed: bool) -> list[str]:
    """One pasteable line per command: `meetings --person Dias  0.172 s  1.04x`."""
    base = results[0].median
    return [f"{label_of(r, prefixed)}  {r.median:.3f} s  {r.median / base:.2f}x" for r in results]


def target_line(results: list[Result]) -> list[str]:
    """Whether the sample scenario meets its target, when it ran."""
    base = results[0].median
    sample = [r for r in results if r.command.scenario == "sample"]
    if not sample:
        return []
    ratio = sample[0].median / base
    verdict = "met" if ratio <= SAMPLE_TARGET else "NOT met"
    return [f"sample target (at most {SAMPLE_TARGET:.2f}x the baseline): {verdict} ({ratio:.2f}x)"]


def to_json(results: list[Result], how: str, runs: int, warmup: int, load: tuple[float, float]) -> dict[str, object]:
    """The results as JSON-ready data, with what is needed to compare runs made on other days."""
    base = results[0].median
    return {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "python": sys.executable, "python_version": platform.python_version(),
        "platform": platform.platform(), "cpus": os.cpu_count(), "load_average": list(load),
        "nafta_log": how, "runs": runs, "warmup": warmup,
        "results": [{"scenario": r.command.scenario, "command": r.command.label, "argv": list(r.command.argv),
                     "log": str(r.command.log) if r.command.log else None, "median_s": r.median,
                     "min_s": min(r.seconds), "max_s": max(r.seconds), "ratio": r.median / base,
                     "cpu_median_s": r.cpu_median, "peak_rss_mb": r.peak_rss_bytes / 2**20,
                     "times_s": r.seconds} for r in results],
    }


# --- command line ------------------------------------------------------------------------------------------

def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command-line arguments."""
    parser = argparse.ArgumentParser(
        description="Time nafta-log commands against the start-up of Python with nafta-log's libraries.",
        epilog="scenarios:\n" + "\n".join(f"  {k:<8} {v}" for k, v in SCENARIOS.items())
               + "\n\nexample: .venv/bin/python benchmarks/bench.py sample queries --log /tmp/log-1k",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", metavar="SCENARIO", nargs="*", default=["sample"],
                        help=f"any of {', '.join(SCENARIOS)} (default: sample)")
    parser.add_argument("--log", metavar="DIR", type=Path, default=SAMPLE_LOG,
                        help="the log for queries and add (default: the repo's data/ sample log)")
    parser.add_argument("--runs", metavar="N", type=int, default=15, help="timed runs of each command (default: 15)")
    parser.add_argument("--warmup", metavar="N", type=int, default=1, help="untimed runs first (default: 1)")
    parser.add_argument("--json", metavar="FILE", type=Path, help="also save the results as JSON to FILE")
    args = parser.parse_args(argv)
    unknown = [s for s in args.scenarios if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {unknown[0]!r}; choose from {', '.join(SCENARIOS)}")
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")
    if not (args.log / "nafta-log.toml").is_file():
        parser.error(f"--log {args.log}: not a nafta-log log (no nafta-log.toml in it)")
    args.scenarios = list(dict.fromkeys(args.scenarios))
    return args


def main(argv: list[str] | None = None) -> None:
    """Time the chosen scenarios and print the report (and save it as JSON with --json)."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    nafta, how = nafta_log_command()
    try:
        package = compile_package()
        with ExitStack() as stack:
            commands = [baseline_command()]
            for s in args.scenarios:
                commands += scenario_commands(s, args.log.resolve(), nafta, stack)
            before = os.getloadavg()[0]
            results = measure(commands, args.runs, args.warmup)
            load = (before, os.getloadavg()[0])
    except BenchError as exc:
        sys.exit(f"bench.py: {exc}")
    prefixed = len(args.scenarios) > 1
    sections = [header(how, args.scenarios, args.log.resolve(), args.runs, args.warmup, package)
                + load_line(*load),
                table(results, prefixed), target_line(results), summary(results, prefixed)]
    print("\n\n".join("\n".join(lines) for lines in sections if lines))
    if args.json:
        args.json.write_text(json.dumps(to_json(results, how, args.runs, args.warmup, load), indent=2) + "\n")


if __name__ == "__main__":
    main()
