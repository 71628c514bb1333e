"""How every command fails: one line on stderr with one prefix (`error: `), exit status 2 for a
usage or settings error; an unexpected exception is logged with its traceback (the log file has it
when the command set one up) and ends with status 1."""

from __future__ import annotations

import difflib
import logging
import sys
from collections.abc import Sequence

import typer
import typer.main
from typer._click import exceptions as click_exc

PREFIX = "error: "
log = logging.getLogger("courtside.cli")


def say(message: str) -> None:
    """One error line on stderr, never wrapped."""
    sys.stderr.write(f"{PREFIX}{' '.join(message.split())}\n")
    sys.stderr.flush()


def warn(message: str) -> None:
    """One warning line on stderr (a deprecated spelling, an unknown variable): the command goes on."""
    sys.stderr.write(f"warning: {' '.join(message.split())}\n")
    sys.stderr.flush()


def _no_such_option(e: click_exc.NoSuchOption) -> str:
    close = difflib.get_close_matches(e.option_name, list(e.possibilities or ()), n=1, cutoff=0.5)
    hint = f" (did you mean {close[0]}?)" if close else ""
    where = f" for `{e.ctx.command_path}`" if e.ctx is not None else ""
    return f"no such option {e.option_name}{where}{hint}"


def usage_message(e: click_exc.ClickException) -> str:
    """A click error in one line, naming the command it belongs to."""
    if isinstance(e, click_exc.NoSuchOption):
        return _no_such_option(e)
    message = e.format_message().replace("Value error, ", "")  # typer's enum check says it so
    ctx = getattr(e, "ctx", None)
    if ctx is not None:
        return f"{ctx.command_path}: {message}"
    return message


def run(app: typer.Typer, args: Sequence[str]) -> int:
    """Run the app on args (not standalone: every exit passes through here); the exit status."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=list(args), prog_name="courtside", standalone_mode=False)
    except click_exc.ClickException as e:
        say(usage_message(e))
        return e.exit_code
    except typer.Abort:
        say("aborted")
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as e:
        log.critical("unexpected %s: %s", type(e).__name__, e, exc_info=True)
        say(f"unexpected {type(e).__name__}: {e} (the traceback is in the log)")
        return 1
    return result if isinstance(result, int) else 0
