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
    info = fieldkit("device", "info", "-w", dev, env=RO)
    assert info.returncode == 0, info.stderr
    shown = dict(re.split(r"\s{2,}", line, maxsplit=1) for line in info.stdout.splitlines())
    assert list(shown) == [
        "dispozitiv", "operațiune", "echipa", "ofițer", "cheie publică", "înrolat la",
        "acreditare", "înregistrări", "starea sincronizării", "sarcini",
    ]  # fmt: skip
    assert (shown["operațiune"], shown["echipa"], shown["acreditare"]) == (
        "barnet-2023",
        "alpha",
        "niciuna",
    )
    assert shown["starea sincronizării"] == "0 în așteptare, 0 trimise, 0 confirmate"
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


# Click's own usage errors, through the entry point: what was typed wrong, in Romanian.
USAGE_ERRORS = [
    (("nosuch",), "Nu există comanda 'nosuch'."),
    (("log", "add", "--bogus"), "Nu există opțiunea '--bogus'."),
    (("map", "--top", "x"), "Ați vrut să spuneți '--out'?"),
    (("device", "enroll"), "Lipsește argumentul 'LOADOUT'."),
    (("plan", "ops/x/plan.json", "--time-limit", "soon"), "Valoare nevalidă pentru '--time-limit'"),
    (("report", "op", "extra"), "Argument suplimentar neașteptat (extra)"),
]


@pytest.mark.parametrize(
    ("args", "said"), USAGE_ERRORS, ids=[" ".join(a) for a, _s in USAGE_ERRORS]
)
def test_clicks_usage_errors_in_romanian(args: tuple[str, ...], said: str) -> None:
    done = fieldkit(*args, env=RO)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].startswith("Utilizare: fieldkit ")
    assert "Încercați 'fieldkit" in done.stderr and "--help' pentru ajutor." in done.stderr
    assert lines[-1].startswith("Eroare: ") and said in lines[-1], done.stderr
    assert "Error:" not in done.stderr and "Try " not in done.stderr


def test_clicks_usage_errors_stay_english_in_english() -> None:
    done = fieldkit("log", "add", "--bogus", env={"FIELDKIT_LANG": "en"})
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == "Error: No such option '--bogus'."


def test_clicks_counted_messages_have_their_romanian() -> None:
    from fieldkit.commands.click_words import CLICK_PLURALS
    from fieldkit.i18n import set_language

    english = [say(n) for say in CLICK_PLURALS for n in (1, 2)]
    set_language("ro")
    romanian = [say(n) for say in CLICK_PLURALS for n in (1, 2)]
    assert [en for en, ro in zip(english, romanian, strict=True) if en == ro] == []


SCHEMA_MISTAKES = """\
version: 1
operation:
  id: bad-op
  name: Bad
  start: 2023-09-24
  end: tomorrow
  timezone: Europe/London
  leader: DI Example
  colour: blue
partners: [met_police]
teams:
  - id: alpha
    size: many
"""
"""A playbook with the schema's mistakes: missing keys, a misspelt one, an unknown one, a
value of the wrong kind."""


def test_a_playbooks_schema_mistakes_in_romanian(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(SCHEMA_MISTAKES, encoding="utf-8")
    done = fieldkit("playbook", "check", path, env=RO)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    said = {line.removeprefix(f"{path}:") for line in done.stderr.splitlines()}
    for line in (
        '1:1: lipsește cheia obligatorie "venues" din playbook',
        '3:3: lipsește cheia obligatorie "area" din operation',
        '6:8: end: trebuie să fie o dată (AAAA-LL-ZZ), nu "tomorrow"',
        '8:3: cheie necunoscută "leader" (ați vrut să spuneți "lead"?)',
        '12:5: lipsește cheia obligatorie "members" pentru această echipă',
    ):
        assert line in said, done.stderr
    assert any(s.startswith('9:3: cheie necunoscută "colour"; chei cunoscute: id, ') for s in said)
    english = fieldkit("playbook", "check", path, env={"FIELDKIT_LANG": "en"}).stderr
    assert f'{path}:8:3: unknown key "leader" (did you mean "lead"?)' in english.splitlines()


def test_missing_files_and_devices_in_romanian(tmp_path: Path) -> None:
    """What an officer meets first when a path is wrong: in Romanian, exit 2."""
    ws = tmp_path / "ws"
    assert invoke("init", ws).returncode == 0
    cases = [
        (("device", "info", "-w", ws), f"fieldkit: niciun dispozitiv înrolat în {ws} "),
        (
            ("playbook", "check", tmp_path / "nope.yaml"),
            f"{tmp_path / 'nope.yaml'}:1:1: fișierul nu există",
        ),
        (("playbook", "check", tmp_path), f"{tmp_path}:1:1: este un dosar, nu un fișier playbook"),
        (
            ("device", "enroll", tmp_path / "nope.json", "-w", tmp_path / "d"),
            f"fieldkit: loadout {tmp_path / 'nope.json'}: fișierul nu există",
        ),
    ]
    for args, said in cases:
        done = fieldkit(*args, env={**RO, "COLUMNS": "250"})
        assert done.returncode == 2 and "Traceback" not in done.stderr, args
        assert done.stderr.startswith(said), done.stderr


def test_the_planners_errors_in_romanian(tmp_path: Path) -> None:
    assert fieldkit("init", str(tmp_path), env=RO).returncode == 0
    missing = fieldkit("plan", "nope.yaml", "-w", str(tmp_path), env=RO)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "nope.yaml: nu există acest fișier de playbook" in missing.stderr
    book = str(tmp_path / "playbooks" / "barnet-week-of-action.yaml")
    bad_op = fieldkit("plan", book, "--op", "a b", "-w", str(tmp_path), env=RO)
    assert bad_op.returncode == 2 and '--op "a b" nu este un nume de dosar' in bad_op.stderr


def _broken_copy(tmp_path: Path, name: str, *swaps: tuple[str, str]) -> Path:
    """The small valid playbook with `swaps` made in its text, written to tmp_path/name."""
    text = (ROOT / "tests" / "playbooks_broken" / "_valid.yaml").read_text(encoding="utf-8")
    for old, new in swaps:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_playbooks_bad_values_in_romanian(tmp_path: Path) -> None:
    path = _broken_copy(
        tmp_path,
        "values.yaml",
        ('from: "12:00"', 'from: "7pm"'),
        ("duration: 60", "duration: ninety"),
        ("[51.59, -0.22]", "[151.59, -0.22]"),
        ("end: 2024-10-27", "end: 2024-10-20"),
        ("rules:", "retention:\n  sensitive_text: forever\n  device_text_days: 99999\nrules:"),
    )
    done = fieldkit("playbook", "check", path, env=RO)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    said = {line.removeprefix(f"{path}:") for line in done.stderr.splitlines()}
    for line in (
        "7:8: operațiunea se încheie (2024-10-20) înainte să înceapă (2024-10-21)",
        "49:15: location: latitudinea 151.59 este în afara intervalului -90..90 "
        "(ordinea este [latitudine, longitudine]?)",
        '59:29: from: "7pm" nu este o oră din zi; scrieți "HH:MM", de ex. "19:30"',
        '60:15: duration: "ninety" nu este o durată; scrieți 90, "90m" sau "1h30"',
        '38:19: sensitive_text: perioada de revizuire "forever" nu este un număr urmat de o '
        'unitate, de ex. "6 years", "12 months" sau "90 days"',
        "39:21: device_text_days: 99999 nu este între 0 și 3650 de zile",
    ):
        assert line in said, done.stderr
    english = fieldkit("playbook", "check", path, env={"FIELDKIT_LANG": "en"}).stderr
    assert f'{path}:60:15: duration: "ninety" is not a duration; write 90, "90m" or "1h30"' in (
        english.splitlines()
    )


@pytest.mark.parametrize(
    ("swap", "said"),
    [
        (
            ("name: Test operation", 'name: "Test operation'),
            "5:9: textul între ghilimele nu este închis pe acest rând (lipsește ghilimeaua)",
        ),
        (
            ("  name: Test operation", "\tname: Test operation"),
            "5:1: caracter tab: YAML indentează cu spații, nu cu taburi",
        ),
        (
            ("  timezone: Europe/London", "  timezone: Europe/London\n  name: Again"),
            '9:3: cheie repetată "name" (apare deja pe rândul 5)',
        ),
    ],
    ids=["unclosed quote", "tab", "duplicate key"],
)
def test_a_playbooks_yaml_syntax_in_romanian(
    tmp_path: Path, swap: tuple[str, str], said: str
) -> None:
    path = _broken_copy(tmp_path, "syntax.yaml", swap)
    done = fieldkit("playbook", "check", path, env=RO)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{path}:{said}" in done.stderr.splitlines(), done.stderr


def test_a_playbooks_references_in_romanian(tmp_path: Path) -> None:
    path = _broken_copy(
        tmp_path,
        "references.yaml",
        ("members: [pc-a, pc-b]", "members: [pc-a, pc-zz]"),
        ("members: [pc-c, anitp-d]", "members: [pc-c]"),
        ("dates: [2024-10-22]", "dates: [2024-11-22]"),
        ("partners: [anitp]}", "partners: [glaa]}"),
        ("type: car_wash", "type: carwash"),
    )
    done = fieldkit("playbook", "check", path, env=RO)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith(f"{path}:")]
    for said in (
        'nimeni cu id-ul "pc-zz" în listă',
        'echipa "bravo" are 1 membru; rules.team.min_size este 2',
        'echipa "bravo" nu are niciun membru cu competența "driver"',
        "2024-11-22 este în afara operațiunii (2024-10-21 - 2024-10-27)",
        'partenerul "glaa" este cerut, dar nu este în lista de parteneri a operațiunii',
        'tip de locație necunoscut "carwash"',
    ):
        assert any(said in line for line in lines), done.stderr
    english = fieldkit("playbook", "check", path, env={"FIELDKIT_LANG": "en"}).stderr
    assert 'team "bravo" has 1 member; rules.team.min_size is 2' in english
    assert "no one with id" not in done.stderr and "is outside the operation" not in done.stderr
