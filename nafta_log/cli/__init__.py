"""The command line: thin Typer commands over the library; the one place errors become exit codes."""


import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from nafta_log import __version__
from nafta_log.errors import NaftaLogError, UsageError
from nafta_log.safe import visible


class _Group(TyperGroup):
    """A command group that turns library errors into `Error: ...` and an exit code, never a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except NaftaLogError as exc:
            _fail(str(exc), exc.exit_code, usage=isinstance(exc, UsageError))
        except KeyboardInterrupt:
            _fail("interrupted; nothing more was written", 130)
        except BrokenPipeError:  # the reader went away (`nafta-log people | head`): stop quietly
            import os
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        except Exception as exc:
            if type(exc).__module__.split(".")[0] in ("typer", "click"):
                raise
            if (ctx.obj or {}).get("debug"):
                raise
            _fail(f"internal error ({type(exc).__name__}); nothing was written. "
                  "Run again with --debug to see the traceback, and please report it", 1)
        finally:
            if "nafta_log.index" in sys.modules:
                sys.modules["nafta_log.index"].close_all()


def _fail(message: str, code: int, usage: bool = False) -> None:
    print(f"Error: {visible(message, keep=chr(10))}", file=sys.stderr)
    if usage:
        print("Run the command with --help for its options.", file=sys.stderr)
    raise typer.Exit(code)


HELP = ("A plain-text log of stakeholders and meetings: who met whom, when, about what.\n\n"
        "Examples:\n\n"
        "  nafta-log meetings --person Dias\n\n"
        "  nafta-log who --person Ross\n\n"
        "  nafta-log add meeting --title \"Call on autos\" --date today --with Dias --topic auto-sector\n\n"
        "The log is found with --log DIR, else $NAFTA_LOG, else the nearest folder upward holding nafta-log.toml.")

# command name -> (module in nafta_log.cli, function); groups of subcommands ("add", "import") are in GROUPS.
COMMANDS = {
    "meetings": ("queries", "meetings"), "show": ("queries", "show"), "people": ("queries", "people"),
    "person": ("queries", "person"), "topics": ("queries", "topics"), "who": ("queries", "who"),
    "check": ("admin", "check"), "init": ("admin", "init"), "reindex": ("admin", "reindex"),
    "sync": ("team", "sync"), "history": ("team", "history"), "changes": ("team", "changes"),
    "edit": ("edit", "edit"), "rename": ("references", "rename"), "remove": ("references", "remove"),
    "timeline": ("charts", "timeline"), "graph": ("charts", "graph"), "report": ("charts", "report"),
    "merge": ("exchange", "merge"), "export": ("exchange", "export"),
}
ADD_COMMANDS = {"meeting": "meeting", "person": "person", "organization": "organization", "topic": "topic"}
# command group -> (module in nafta_log.cli, help, {subcommand: function}).
GROUPS = {
    "add": ("add", "Add a meeting, person, organization or topic.", ADD_COMMANDS),
    "import": ("exchange", "Import meetings and stakeholders from other tools and public registries.",
               {"csv": "import_csv", "json": "import_json"}),
}


def _version(value: bool) -> None:
    if value:
        print(f"nafta-log {__version__}")
        raise typer.Exit()


def _root(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of unexpected errors.")] = False,
) -> None:
    ctx.obj = {"debug": debug}


def build_app(only: str | None = None) -> typer.Typer:
    """The Typer app with every command, or with just `only` (Typer builds every registered command on each run)."""
    import importlib
    app = typer.Typer(cls=_Group, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                      rich_markup_mode=None, help=HELP)
    app.callback()(_root)
    for name, (module, fn) in COMMANDS.items():
        if only in (None, name):
            app.command(name)(getattr(importlib.import_module(f"nafta_log.cli.{module}"), fn))
    for group, (module, help_text, commands) in GROUPS.items():
        if only in (None, group):
            mod = importlib.import_module(f"nafta_log.cli.{module}")
            sub = typer.Typer(cls=_Group, no_args_is_help=True, rich_markup_mode=None, help=help_text)
            for name, fn in commands.items():
                sub.command(name)(getattr(mod, fn))
            app.add_typer(sub, name=group)
    return app


def __getattr__(name: str) -> Any:
    if name == "app":  # the full app, for tests and for embedding
        return build_app()
    raise AttributeError(name)


def _invoked(argv: list[str]) -> str | None:
    """The command named on the command line, when it is one we know; None means build them all."""
    for arg in argv:
        if arg in ("--debug",):
            continue
        return arg if arg in COMMANDS or arg in GROUPS else None
    return None


def main() -> None:
    """Run the command line, building only the command that was asked for; refuse arguments that are not UTF-8."""
    for number, arg in enumerate(sys.argv[1:], 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            print(f"Error: argument {number} ({visible(arg)}) holds bytes that are not valid UTF-8; nothing was "
                  "done", file=sys.stderr)
            raise SystemExit(2) from None
    build_app(_invoked(sys.argv[1:]))(prog_name="nafta-log")

