"""What every command shares: the --workspace option and the console."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from contextlib import _GeneratorContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from fieldkit.errors import UserError
from fieldkit.i18n import N_, _, language
from fieldkit.workspace import Workspace, find_workspace

F = TypeVar("F", bound=Callable[..., Any])


# Everything printed comes from data somewhere (a playbook, a record, a code list): print it
# as plain text, never as Rich markup or :emoji: codes. A style is given as a Text or style=.
class _PlainConsole(Console):
    """A Rich console that reads the terminal's size (or COLUMNS and LINES) when it prints, not
    once when this module is imported (in-process callers change them)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        # What Console fixed from COLUMNS/LINES at start. Rich has no public way to undo it:
        # Console(width=, height=) and the `size` setter fix a size, and width=None reads
        # COLUMNS here; `size` reads the terminal and COLUMNS/LINES again when both are None.
        self._width = self._height = None


console = _PlainConsole(highlight=False, markup=False, emoji=False)
err_console = _PlainConsole(stderr=True, highlight=False, markup=False, emoji=False)


class TranslatedFormatter(click.HelpFormatter):
    """Click's own headings (Usage, Options, Commands) in the language in use."""

    def section(self, name: str) -> _GeneratorContextManager[None, None, None]:
        return super().section(_(name))

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _(prefix or "Usage: "))

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        """Options and commands, with click's own `[default: ...; required]` in the language."""
        super().write_dl([(term, _extras(text)) for term, text in rows], col_max, col_spacing)


def _extras(text: str) -> str:
    """Click's `  [default: 4; 1<=x<=500; required]` after an option's help, translated."""
    head, sep, extra = text.rpartition("  [") if "  [" in text else ("", "  [", text[1:])
    if not extra.endswith("]") or language() == "en" or not (head or text.startswith("[")):
        return text
    items = [
        _("default") + item[len("default") :] if item.startswith("default: ") else _(item)
        for item in extra[:-1].split("; ")
    ]
    return f"{head}{sep if head else '['}{'; '.join(items)}]"


class TranslatedContext(click.Context):
    formatter_class = TranslatedFormatter


class TranslatedCommand(click.Command):
    """A command whose help page speaks the language in use (its texts marked with _())."""

    context_class = TranslatedContext

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = _("Show this message and exit.")
        return option


class TranslatedGroup(TranslatedCommand, click.Group):
    """A group whose help, and its commands', speak the language in use."""

    command_class = TranslatedCommand
    group_class = type  # its groups are of its own class


class FieldkitGroup(TranslatedGroup):
    """Lists commands in the order they were added (the order of a patrol's work)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


def workspace_option(func: F) -> F:
    return click.option(
        "--workspace",
        "-w",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help=_("The workspace folder (default: the one you are in, searched upwards)."),
    )(func)


def resolve_workspace(explicit: Path | None) -> Workspace:
    return find_workspace(explicit=explicit)


def with_workspace(func: F) -> F:
    """Adds --workspace and passes the found Workspace as `ws`."""

    @workspace_option
    @functools.wraps(func)
    def wrapper(*args: Any, workspace: Path | None, **kwargs: Any) -> Any:
        return func(*args, ws=resolve_workspace(workspace), **kwargs)

    return wrapper  # type: ignore[return-value]


def clock_now() -> datetime:
    """Now, or FIELDKIT_NOW (ISO 8601, e.g. 2023-10-02T09:00+01:00) when set: tests and demos
    count days the same on any date."""
    import os

    text = os.environ.get("FIELDKIT_NOW")
    if not text:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UserError(
            _("FIELDKIT_NOW={text} is not an ISO 8601 time").format(text=repr(text))
        ) from None
    return moment if moment.tzinfo is not None else moment.astimezone()


def purpose_option(func: F) -> F:
    """--purpose TEXT: why central's data is read, kept in its access log."""
    return click.option(
        "--purpose",
        default=None,
        metavar="TEXT",
        help=_(
            "Why you read central's data (kept in its access log with your OS user; "
            "default: 'not given')."
        ),
    )(func)


def log_local_read(
    ws: Workspace, what: str, operation: str | None, count: int, purpose: str | None
) -> None:
    """Append a read of central's data by this machine's OS user to central's access log
    (nothing when this workspace holds no central store)."""
    from fieldkit.central.store import Central, central_path

    path = central_path(ws.sync)
    if not path.exists():
        return
    with Central(path) as store:
        record_local_read(store, what, operation, count, purpose)


def record_local_read(
    store: Any, what: str, operation: str | None, count: int, purpose: str | None
) -> None:
    """One access-log entry for a local command reading `store`, naming the OS user."""
    from fieldkit.central.access_log import LOCAL_ROLE, record_access
    from fieldkit.central.followups import os_user

    with store.lock:
        record_access(
            store.conn,
            who=os_user(),
            role=LOCAL_ROLE,
            what=what,
            operation=operation,
            count=count,
            purpose=purpose,
            via="cli",
        )


CLICK_HEADINGS = (N_("Usage: "), N_("Options"), N_("Commands"), N_("default"), N_("required"))
"""Click's headings and an option's extras, marked for the catalogue (TranslatedFormatter shows
them)."""
