"""`fieldkit plan PLAYBOOK` (solve and write ops/NAME/) and `fieldkit plan check PLAN_JSON`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from fieldkit.commands.common import (
    TranslatedCommand,
    TranslatedContext,
    TranslatedGroup,
    console,
    err_console,
    resolve_workspace,
    workspace_option,
)
from fieldkit.errors import UserError
from fieldkit.i18n import _, ngettext

_RUN = "run-playbook"


class PlanGroup(TranslatedGroup):
    """`plan check ...` is the subcommand; anything else is `plan PLAYBOOK [OPTIONS]`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = [_RUN, *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(
            "fieldkit plan",
            "PLAYBOOK [--op NAME] [--time-limit S] [--seed N] "
            "[--lock FILE] [--follow-ups-from OP] [--json]\n       fieldkit plan check PLAN_JSON",
        )


class _PlaybookContext(TranslatedContext):
    @property
    def command_path(self) -> str:
        return self.parent.command_path if self.parent is not None else "fieldkit plan"


class PlaybookCommand(TranslatedCommand):
    """`plan PLAYBOOK`: its help and usage errors name it as the user typed it."""

    context_class = _PlaybookContext

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage("fieldkit plan", "PLAYBOOK [OPTIONS]")


@click.group(
    "plan",
    cls=PlanGroup,
    no_args_is_help=True,
    help=_("Solve PLAYBOOK into a week plan written to ops/NAME/, or check a plan.") + "\n\n\b\n"
    "fieldkit plan PLAYBOOK [--op NAME] [--time-limit S] [--seed N] [--lock FILE]\n"
    "                       [--follow-ups-from OP] [--json]\n"
    "fieldkit plan check ops/NAME/plan.json",
)
def plan() -> None:
    pass


@plan.command(_RUN, cls=PlaybookCommand, hidden=True, help=_("Solve PLAYBOOK and write ops/NAME/."))
@click.argument("playbook", type=click.Path(path_type=Path))
@click.option(
    "--op", "op_name", default=None, help=_("Folder name under ops/ (default: operation.id).")
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help=_("Seconds the solver may take."),
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help=_("Solver seed (same seed, same plan).")
)
@click.option(
    "--lock",
    "lock_file",
    type=click.Path(path_type=Path),
    default=None,
    help=_("YAML/JSON list of {visit, team, start} to keep as they are."),
)
@click.option(
    "--follow-ups-from",
    "follow_ups_from",
    default=None,
    metavar="OP",
    help=_("Add a visit per venue with open follow-ups in OP (read at central), with its reason."),
)
@click.option(
    "--json", "as_json", is_flag=True, help=_("Print a summary as JSON (docs/plan-json.md).")
)
@workspace_option
def run_playbook(
    playbook: Path,
    op_name: str | None,
    time_limit: float,
    seed: int,
    lock_file: Path | None,
    follow_ups_from: str | None,
    as_json: bool,
    workspace: Path | None,
) -> None:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from fieldkit.plan.export_json import summary_dict
    from fieldkit.plan.progress import SolveProgress
    from fieldkit.plan.service import PlanOptions, plan_playbook

    ws = resolve_workspace(workspace)
    revisits = _revisits(ws, follow_ups_from) if follow_ups_from else ()
    options = PlanOptions(
        op=op_name, time_limit=time_limit, seed=seed, lock_file=lock_file, revisits=revisits
    )
    with Progress(
        TextColumn("[bold]solving[/]"),
        BarColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("searching", total=time_limit)

        def report(p: SolveProgress) -> None:
            bar.update(
                task,
                completed=min(p.seconds, time_limit),
                description=f"plan {p.solutions}: objective {p.objective:,.0f} "
                f"bound {p.bound:,.0f}",
            )

        result = plan_playbook(ws, playbook, options, progress=report)
    for warning in result.session.warnings:
        click.echo(_("fieldkit: warning: {said}").format(said=warning), err=True)
    if as_json:
        click.echo(json.dumps(summary_dict(result.doc, result.shown, result.files), indent=2))
        return
    _print_summary(result.doc, result.shown)


def _revisits(ws: Any, op: str) -> tuple[Any, ...]:
    """The revisits OP's open follow-ups ask for; a warning when there are none."""
    from fieldkit.commands.followups import revisits_from

    found = revisits_from(ws, op)
    if not found:
        said = _("{op} has no open follow-ups at a venue").format(op=op)
        click.echo(_("fieldkit: warning: {said}").format(said=said), err=True)
    return found


def _print_summary(doc: dict[str, Any], folder: str) -> None:
    from fieldkit.plan.solve import GREEDY
    from fieldkit.plan.status_words import status_word

    s = doc["solver"]
    console.print(
        _(
            "{name}: {covered} of {total} visits planned ({status}, objective {objective}, "
            "bound {bound}, gap {gap}, {seconds} s)"
        ).format(
            name=doc["operation"]["name"],
            covered=s["covered_visits"],
            total=s["total_visits"],
            status=status_word(s["status"]),
            objective=f"{s['objective']:,.0f}",
            bound=f"{s['bound']:,.0f}",
            gap=f"{s['gap']:.2%}",
            seconds=f"{s['seconds']:.1f}",
        )
    )
    if s["status"] == GREEDY:
        console.print(
            "  "
            + _(
                "the solver found no plan within {limit} s: this is the greedy plan (earliest "
                "deadline first), which keeps every rule; a longer --time-limit may cover more"
            ).format(limit=f"{s['time_limit']:g}")
        )
    for entry in doc.get("revisits", []):
        console.print(
            "  "
            + _("revisit {venue}: {reason}").format(venue=entry["venue"], reason=entry["reason"])
        )
    for entry in doc["unassigned"]:
        console.print("  " + _("not planned: {visit}").format(visit=entry["visit"]))
        for reason in entry["reasons"]:
            console.print(f"    - {reason}")
    console.print(
        _(
            "written: {folder}/ (plan.json, briefing.md, briefing.html, briefing.pdf, "
            "teams/, loadouts/)"
        ).format(folder=folder)
    )


@plan.command(
    "check",
    help=_("Re-verify every hard rule of PLAN_JSON against its playbook, without the solver."),
)
@click.argument("plan_json", type=click.Path(path_type=Path))
@workspace_option
def check(plan_json: Path, workspace: Path | None) -> None:
    from fieldkit.plan.check import check_plan
    from fieldkit.plan.write import load_plan_file
    from fieldkit.workspace import find_workspace

    if not plan_json.is_file():
        raise UserError(_("{file}: no such plan file").format(file=plan_json))
    ws = (
        resolve_workspace(workspace)
        if workspace
        else find_workspace(start=plan_json.resolve().parent)
    )
    doc, book, warnings = load_plan_file(plan_json, ws.root)
    for warning in warnings:
        click.echo(warning, err=True)
    problems = check_plan(doc, book)
    if problems:
        for problem in problems:
            click.echo(f"{plan_json}: {problem}", err=True)
        said = ngettext("{file}: {n} violation(s)", "{file}: {n} violation(s)", len(problems))
        click.echo(said.format(file=plan_json, n=len(problems)), err=True)
        sys.exit(2)
    kept = len(doc.get("assignments", []))
    console.print(
        _("{file}: ok ({n} assignments keep every hard rule)").format(file=plan_json, n=kept)
    )


COMMANDS = [plan]
