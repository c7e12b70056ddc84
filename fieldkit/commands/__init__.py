"""The `fieldkit` subcommands, one module per area of work; each module lists its COMMANDS."""

from __future__ import annotations

import importlib
import pkgutil

import click

#: The order commands are listed in `fieldkit --help`: the order of an operation's work.
ORDER = (
    "init",
    "playbook",
    "plan",
    "device",
    "log",
    "aids",
    "simulate",
    "central",
    "sync",
    "map",
    "report",
    "followups",
    "forms",
    "export",
    "demo",
    "serve-ui",
)


def register(cli: click.Group) -> None:
    found: dict[str, click.Command] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name == "common":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", []):
            found[command.name or info.name] = command
    for name in sorted(found, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n)):
        cli.add_command(found[name])
