"""`fieldkit demo`: replay the Barnet week of action end to end, with progress and a summary."""

from __future__ import annotations

import signal
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape

from fieldkit.commands.common import TranslatedCommand, console, err_console
from fieldkit.i18n import N_, _

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from fieldkit.demo import DemoResult


class RichSteps:
    """One progress line per step of the demo, on stderr. Notes carry data (device ids,
    officers, teams): they are escaped, so the progress bar's markup never reads them."""

    def __init__(self, bar: Progress, steps: tuple[tuple[str, str], ...]) -> None:
        self.bar = bar
        self.tasks: dict[str, TaskID] = {
            name: bar.add_task(
                escape(_(label)),
                total=None,
                start=False,
                note="[dim]" + escape(_("waiting")) + "[/]",
            )
            for name, label in steps
        }
        self.totals: dict[str, int] = {}

    def step(self, name: str, done: int = 0, total: int | None = None, note: str = "") -> None:
        task = self.tasks[name]
        self.bar.start_task(task)
        fields: dict[str, Any] = {"note": escape(note)} if note else {}
        if total is not None:
            self.totals[name] = total
            self.bar.update(task, completed=done, total=total, **fields)
        else:
            self.bar.update(task, **fields)

    def done(self, name: str, note: str = "") -> None:
        task = self.tasks[name]
        self.bar.start_task(task)
        total = self.totals.get(name) or 1
        self.bar.update(task, total=total, completed=total, note=escape(note))
        self.bar.stop_task(task)


def _step_column() -> Any:
    """A mark per step: waiting, under way (a spinner) or done."""
    from rich.progress import SpinnerColumn, Task
    from rich.text import Text

    class StepColumn(SpinnerColumn):
        def render(self, task: Task) -> Any:
            if not task.started:
                return Text("·", style="dim")
            return super().render(task)

    return StepColumn(finished_text="[green]✓[/]")


def _stop_on_term(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds like Ctrl+C, so central is stopped


@click.command(
    "demo",
    cls=TranslatedCommand,
    help=_(
        "Replay the Barnet week of action: plan, enrol, log, sync, verify, map and report.\n"
        "\n"
        "Works in a new folder (or an empty one, or a workspace without the demo's data); takes\n"
        "well under a minute. The central server runs on a free loopback port only while the\n"
        "demo syncs, and is always stopped at the end."
    ),
)
@click.option(
    "--workspace",
    "-w",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help=_("A new (or empty) folder for the demo (default: ./fieldkit-demo-YYYYmmdd-HHMMSS)."),
)
@click.option(
    "--devices",
    type=click.IntRange(1, 40),
    default=4,
    show_default=True,
    help=_("Devices to enrol (teams round-robin); all but one sync over HTTP, one by bundle."),
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help=_("The same seed, the same results.")
)
def demo(workspace: Path | None, devices: int, seed: int) -> None:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.table import Column

    from fieldkit.demo import STEPS, default_folder, run_demo

    root = (workspace or default_folder(Path.cwd())).expanduser().absolute()
    previous = signal.signal(signal.SIGTERM, _stop_on_term)
    try:
        with Progress(
            _step_column(),
            TextColumn("{task.description}", table_column=Column(width=36, no_wrap=True)),
            BarColumn(bar_width=16),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn(
                "{task.fields[note]}",
                table_column=Column(no_wrap=True, overflow="ellipsis", min_width=20),
            ),
            console=err_console,
        ) as bar:
            result = run_demo(root, devices=devices, seed=seed, progress=RichSteps(bar, STEPS))
    finally:
        signal.signal(signal.SIGTERM, previous)
    _print_summary(result)


PATHS = (
    ("plan", N_("plan:")),
    ("briefing", N_("briefing:")),
    ("map", N_("map:")),
    ("report", N_("report:")),
)
"""The files the demo wrote, as its summary names them."""


def _print_summary(r: DemoResult) -> None:
    """The summary table, then where the demo's files are."""
    from rich.table import Table

    table = Table(title=_("Barnet week of action: demo summary"), show_header=False)
    table.add_column("what", style="bold")
    table.add_column("result")
    for what, result in _run_rows(r) + _device_rows(r) + _finding_rows(r) + _how_rows(r):
        table.add_row(what, result)
    console.print(table)
    for name, title in PATHS:
        console.print(_(title).ljust(10), _shown(r.paths[name]))
    console.print(_("workspace:").ljust(10), _shown(r.workspace))


def _shown(p: Path) -> str:
    """`p` from the current folder when it lies under it, else whole."""
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        return str(p)


def _run_rows(r: DemoResult) -> list[tuple[str, str]]:
    """The plan and the visits its devices logged."""
    from fieldkit.plan.status_words import status_word

    plan, cov = r.plan, r.coverage
    return [
        (
            _("plan"),
            _("{assigned} of {visits} visits planned ({status})").format(
                assigned=plan["assigned"],
                visits=plan["visits"],
                status=status_word(str(plan["status"])),
            ),
        ),
        (
            _("visits covered"),
            _("{done} of {planned} planned visits logged").format(
                done=cov["done"], planned=cov["planned"]
            ),
        ),
    ]


def _device_rows(r: DemoResult) -> list[tuple[str, str]]:
    """A row per device (its records, how it synced, its chain), how they synced, central."""
    rows = [
        (
            _("device {device}").format(device=d.id),
            _(
                "team {team}, {officer}: {records} records, synced by {via}, {acknowledged} "
                "acknowledged, chain {chain}"
            ).format(
                team=d.team,
                officer=d.officer,
                records=d.records,
                via=d.via,
                acknowledged=d.acknowledged,
                chain=_("intact") if d.chain_ok else _("BROKEN"),
            ),
        )
        for d in r.devices
    ]
    http = sum(d.via == "http" for d in r.devices)
    rows.append(
        (
            _("synced"),
            _("{http} over HTTP ({server}), {bundle} by bundle").format(
                http=http, server=r.server, bundle=len(r.devices) - http
            ),
        )
    )
    rows.append((_("central records"), str(r.central_records)))
    return rows


def _finding_rows(r: DemoResult) -> list[tuple[str, str]]:
    """Problems, hot cells and the people met (counts only)."""
    hot = ", ".join(
        _("{n} at {level}% confidence").format(n=n, level=k.removeprefix("hot_"))
        for k, n in sorted(r.hot_cells.items(), reverse=True)
    )
    rows = [
        (_("problems"), _("none") if not r.problems else str(len(r.problems))),
        (_("hot cells"), hot or _("none")),
    ]
    if r.people:
        pp = r.people
        met = _("{met}, {signs} with signs, {children} children, {referred} referred").format(
            met=pp["met_one_to_one"],
            signs=pp["with_signs"],
            children=pp["children"],
            referred=pp["referred"],
        )
        rows.append((_("people met one to one"), met))
        rows.append((_("follow-ups"), _follow_ups(pp["follow_ups"])))
    return rows


def _how_rows(r: DemoResult) -> list[tuple[str, str]]:
    """The next steps: the devices' passphrase with a command to try it, and the time taken."""
    from fieldkit.field.unlock import DEMO_PASSPHRASE

    device = _shown(r.devices[0].root) if r.devices else "DEVICE"
    passphrase = _(
        "{passphrase} (e.g. FIELDKIT_PASSPHRASE={passphrase} fieldkit log list -w {device})"
    ).format(passphrase=DEMO_PASSPHRASE, device=device)
    return [(_("device passphrase"), passphrase), (_("time taken"), f"{r.seconds:.1f} s")]


def _follow_ups(by_status: dict[str, int]) -> str:
    """The referred people by their follow-up status now, most first."""
    shown = sorted(by_status.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in shown) or _("none")


COMMANDS = [demo]
