"""What every command module shares: the Typer app, the two consoles, the one-line user error."""

from __future__ import annotations

import typer
from rich.console import Console

from stagedoor import services
from stagedoor.settings import Settings

app = typer.Typer(
    help="Stagedoor reads fan mail, flags danger to the artist and to the writer with evidence and reasons, "
    "and routes each message to the security, welfare or artist queue. It never replies to anyone.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)


class UserError(Exception):
    """Something the user can fix; shown as one line."""


def open_desk() -> services.Desk:
    return services.open_desk(Settings())
