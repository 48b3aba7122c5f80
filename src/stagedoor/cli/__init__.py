"""The `stagedoor` command: thin Typer wrappers over services, one module per part of the desk.

Importing a module registers its commands on `app`, in the order `--help` lists them. Errors are one line
and a non-zero exit."""

from __future__ import annotations

import os
import sys

from stagedoor import deskcli, services
from stagedoor.cli import mail, paper, people  # noqa: F401  (importing registers their commands)
from stagedoor.cli.base import UserError, app, err

deskcli.register(app)
from stagedoor.cli import live  # noqa: E402, F401  (after the desk's commands, as before the split)

__all__ = ["UserError", "app", "main"]


def main() -> None:
    """Entry point: user errors and bad input end in one line and exit 2, never a traceback."""
    from stagedoor.deskcli import ERRORS as DESK_ERRORS
    from stagedoor.ingest import IngestError

    try:
        app()
    except (UserError, IngestError, services.BatchInputError, services.IdentityError, *DESK_ERRORS) as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # last resort: one line, the traceback only on request
        if os.environ.get("STAGEDOOR_DEBUG"):
            raise
        err.print(f"error: {type(exc).__name__}: {exc} (set STAGEDOOR_DEBUG=1 for details)", markup=False)
        sys.exit(1)
