"""The command group and the console script's entry point."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click

from birnn_lint import __version__
from birnn_lint.cli.check_command import check
from birnn_lint.cli.clean_command import clean
from birnn_lint.cli.rule_command import rule
from birnn_lint.cli.server_command import server
from birnn_lint.config import ConfigError
from birnn_lint.proof.command import prove

REPORT_REQUEST = "please report this at the birnn-lint issue tracker with the command you ran"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, "-V", "--version", prog_name="birnn-lint", message="%(prog)s %(version)s"
)
def cli() -> None:
    """birnn-lint: find misread PyTorch RNN/GRU/LSTM output and state layouts."""


cli.add_command(check)
cli.add_command(rule)
cli.add_command(clean)
cli.add_command(prove)
cli.add_command(server)


# --- the entry point ------------------------------------------------------------------


def _quiet_streams() -> None:
    """Never fail on a character the terminal's encoding lacks."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass


def main(argv: Sequence[str] | None = None) -> int:
    """The console script: no traceback ever reaches the user."""
    _quiet_streams()
    try:
        result = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="birnn-lint",
            standalone_mode=False,
        )
        code = result if isinstance(result, int) else 0
        sys.stdout.flush()
    except click.exceptions.Exit as done:
        code = done.exit_code
    except click.ClickException as error:
        error.show()
        code = 2
    except click.Abort:
        click.echo("Aborted.", err=True)
        code = 130
    except ConfigError as error:
        click.echo(f"birnn-lint: error: {error}", err=True)
        code = 2
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, without a flush error at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 1
    except Exception as error:  # anything else is our bug: one line, not a traceback
        message = f"{type(error).__name__}: {error}".splitlines()[0]
        click.echo(f"birnn-lint: internal error: {message}; {REPORT_REQUEST}", err=True)
        code = 2
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
