"""The commands in Romanian through the entry point (FIELDKIT_LANG=ro): every command's help
page, what they print, and the core's one-line errors, still exit 2 without a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from fieldkit.cli import cli
from fieldkit.i18n import in_language
from tests.support.cli import fieldkit, invoke
from tests.support.paths import BARNET, ROOT

RO = {"FIELDKIT_LANG": "ro", "COLUMNS": "100"}

COMMANDS = [
    ("init",),
    ("playbook",),
    ("playbook", "check"),
    ("plan",),
    ("plan", "check"),
    ("aids",),
    ("simulate",),
    ("central",),
    ("central", "init"),
    ("central", "enroll-device"),
    ("central", "import-bundle"),
    ("central", "users", "add"),
    ("central", "audit"),
    ("central", "retention"),
    ("central", "pull-odk"),
    ("central", "verify"),
    ("sync",),
    ("map",),
    ("report",),
    ("followups",),
    ("forms", "xlsform"),
    ("demo",),
    ("serve-ui",),
]


def command_of(path: tuple[str, ...]) -> click.Command:
    found: click.Command = cli
    for name in path:
        assert isinstance(found, click.Group)
        found = found.commands[name]
    return found


def flat(text: str) -> str:
    """`text` on one line, as click wraps it (a word cut after its hyphen joined again)."""
    return " ".join(re.sub(r"-\n\s+", "-", text).split())


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_each_commands_help_is_in_romanian(path: tuple[str, ...]) -> None:
    command = command_of(path)
    whole = command.help or ""
    english = whole.split("\n\n")[0]
    translated = in_language("ro", whole)  # a help with its own paragraphs is one message
    romanian = (translated if translated != whole else in_language("ro", english)).split("\n\n")[0]
    assert romanian != english, f"no Romanian for the help of fieldkit {' '.join(path)}"
    done = fieldkit(*path, "--help", env=RO)
    assert done.returncode == 0, done.stderr
    shown = flat(done.stdout)
    assert shown.startswith("Utilizare: fieldkit") and "Opțiuni:" in shown
    assert flat(romanian) in shown and flat(english) not in shown
    assert "Options:" not in shown and "[default:" not in shown and "[required]" not in shown
    for option in command.params:
        if isinstance(option, click.Option) and option.help and not option.hidden:
            assert flat(option.help) not in shown, option.name
            if in_language("ro", option.help) != option.help:
                assert flat(in_language("ro", option.help)) in shown, option.name


def test_the_options_extras_are_in_romanian() -> None:
    shown = flat(fieldkit("simulate", "--help", env=RO).stdout)
    assert "[implicit: 4; 1<=x<=500]" in shown
    shown = flat(fieldkit("central", "users", "add", "--help", env=RO).stdout)
    assert "[obligatoriu]" in shown


def test_init_and_a_missing_workspace_in_romanian(tmp_path: Path) -> None:
    done = fieldkit("init", tmp_path / "ws", env={**RO, "COLUMNS": "250"})
    assert done.returncode == 0, done.stderr
    assert f"spațiul de lucru este gata: {tmp_path / 'ws'}" in done.stdout
    assert "created" not in done.stdout and "creat " in done.stdout
    again = fieldkit("init", tmp_path / "ws", env=RO)
    assert "este deja un spațiu de lucru" in again.stdout
    done = fieldkit("map", cwd=tmp_path, env=RO)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("fieldkit: nu sunteți într-un spațiu de lucru fieldkit")


def test_a_wrong_passphrase_in_romanian(tmp_path: Path) -> None:
    from fieldkit.field.sample import write_sample_loadouts

    op = write_sample_loadouts(BARNET, tmp_path / "ops")
    enrolled = invoke("device", "enroll", op / "loadouts" / "alpha.json", "-w", tmp_path / "dev")
    assert enrolled.returncode == 0, enrolled.stderr
    done = fieldkit(
        "log", "list", "-w", tmp_path / "dev", env={**RO, "FIELDKIT_PASSPHRASE": "not it"}
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(
        "fieldkit: parolă greșită pentru baza de date a dispozitivului"
    ), done.stderr
    assert "nu s-a deschis nimic" in done.stderr and len(done.stderr.splitlines()) == 1


def test_a_broken_playbooks_summary_in_romanian() -> None:
    broken = ROOT / "tests" / "playbooks_broken" / "bad_duration.yaml"
    done = fieldkit("playbook", "check", broken, BARNET, env=RO)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].startswith(f"{broken}:")  # FILE:LINE:COL: as in English
    assert lines[-1] == "probleme în 1 din 2 planuri ale operațiunii"
    assert f"{BARNET}: ok" in done.stdout


def test_a_tampered_bundle_in_romanian(tmp_path: Path) -> None:
    from tests.support.sync import central_workspace, new_device

    ws = central_workspace(tmp_path)
    new_device(ws, tmp_path / "dev")
    bundle = tmp_path / "dev.bundle"
    exported = invoke("sync", "--export-bundle", bundle, "--workspace", tmp_path / "dev")
    assert exported.returncode == 0, exported.stderr
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 0x01
    bundle.write_bytes(bytes(data))
    done = fieldkit("central", "import-bundle", bundle, "-w", ws.root, env=RO)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "este deteriorat sau a fost alterat" in done.stderr, done.stderr
    assert done.stderr.rstrip().endswith("nu s-a importat nimic"), done.stderr
    english = fieldkit("central", "import-bundle", bundle, "-w", ws.root)
    assert "corrupted or was tampered with" in english.stderr and english.returncode == 2


def test_the_officers_commands_print_romanian(tmp_path: Path) -> None:
    """Enrol, log, list and verify: what the officer reads is Romanian; ids and codes stay."""
    from fieldkit.field.sample import write_sample_loadouts

    op = write_sample_loadouts(BARNET, tmp_path / "ops")
    dev = tmp_path / "dev"
    enrolled = fieldkit("device", "enroll", op / "loadouts" / "alpha.json", "-w", dev, env=RO)
    assert enrolled.returncode == 0, enrolled.stderr
    assert enrolled.stdout.startswith("dispozitiv înrolat ")
    assert "încă nu există o acreditare pentru centrală" in flat(enrolled.stdout)
    added = fieldkit(
        "log", "add", "--time", "2023-09-26T19:30", "--venue", "church-hendon",
        "--outcome", "leaflet_given", "-w", dev, env=RO,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("salvată ") and "sincronizare: în așteptare" in added.stdout
    listed = fieldkit("log", "list", "-w", dev, env=RO)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["id", "ora", "sincr.", "unde", "persoane", "semne", "rezultate"]
    assert "leaflet_given" in lines[1] and "în așteptare" in lines[1]
    assert lines[-1] == "1 interacțiune(i)"
    checked = fieldkit("log", "verify", "-w", dev, env=RO)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip() == "ok: 1 înregistrare(ări), lanțul și semnăturile sunt intacte"
    wrong = fieldkit("log", "list", "--day", "tuesday", "-w", dev, env=RO)
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    assert wrong.stderr.strip() == 'fieldkit: --day "tuesday": scrieți AAAA-LL-ZZ sau „today”'
