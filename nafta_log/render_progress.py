"""Progress bars on a terminal; Rich is imported only once a bar is actually shown."""

from __future__ import annotations

from contextlib import contextmanager
from typing import IO, Any, Callable, Iterator

from nafta_log.safe import visible

# Below this many steps a job is quick enough to need no bar.
MIN_STEPS = 2_000


def _progress(file: IO[str]) -> Any:
    """A transient Rich progress display on `file`: description, bar, done of total, time so far."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from nafta_log.render import make_console
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=make_console(file), transient=True)


def progress_callback(file: IO[str], description: str) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A bar on `file`, shown only on a terminal and once there are MIN_STEPS to do; returns (update, stop)."""
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if total < MIN_STEPS or not (hasattr(file, "isatty") and file.isatty()):
            return
        if "bar" not in state:
            state["bar"] = bar = _progress(file)
            bar.start()
            state["task"] = bar.add_task(visible(description), total=total)
        state["bar"].update(state["task"], completed=done)

    def stop() -> None:
        if "bar" in state:
            state["bar"].stop()
    return update, stop


@contextmanager
def progress_bar(file: IO[str], label: str) -> Iterator[Callable[[str, int, int], None]]:
    """A bar on `file` (a terminal) for a job of several steps; yields the callback that shows (step, done, total)."""
    with _progress(file) as bar:
        task = bar.add_task(visible(label), total=None)

        def update(step: str, done: int, total: int) -> None:
            """Show `step` with the bar at `done` of `total`."""
            bar.update(task, description=visible(f"{label}: {step}"), completed=done, total=total)
        yield update
