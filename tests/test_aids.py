"""`fieldkit aids`: the device's helplines and leaflet in English or Romanian, and hostile
loadout values shown as plain, bounded text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldkit.field.aids import KIT_LEAFLET, TEXT_MAX, aids_of, aids_text, choose_language
from fieldkit.field.loadout import parse_loadout
from fieldkit.field.sample import write_sample_loadouts
from tests.support.cli import invoke
from tests.support.paths import BARNET


@pytest.fixture(scope="module")
def loadout_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample_loadouts(BARNET, tmp_path_factory.mktemp("ops")) / "loadouts/alpha.json"


@pytest.fixture
def dev(tmp_path: Path, loadout_file: Path) -> Path:
    done = invoke("device", "enroll", loadout_file, "-w", tmp_path / "dev")
    assert done.returncode == 0, done.stderr
    return tmp_path / "dev"


def test_aids_print_the_playbooks_helplines_and_english_leaflet(dev: Path) -> None:
    done = invoke("aids", "--print", "-w", dev)
    assert done.returncode == 0, done.stderr
    assert "Helplines (free to call)" in done.stdout
    assert "08000 121 700" in done.stdout and "Crimestoppers (anonymous)" in done.stdout
    assert "Are you being forced to work" in done.stdout
    assert "Sunteți" not in done.stdout


def test_aids_in_romanian_by_option_and_by_fieldkit_lang(dev: Path) -> None:
    by_option = invoke("aids", "--language", "ro", "-w", dev)
    by_env = invoke("aids", "-w", dev, env={"FIELDKIT_LANG": "ro_RO.UTF-8"})
    for done in (by_option, by_env):
        assert done.returncode == 0, done.stderr
        assert "Linii telefonice de ajutor" in done.stdout
        assert "Sunteți obligat să munciți" in done.stdout
        assert "Are you being forced" not in done.stdout


def test_aids_with_a_bad_language_is_a_usage_error(dev: Path) -> None:
    done = invoke("aids", "--language", "fr", "-w", dev)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_aids_outside_a_device_workspace_say_so(tmp_path: Path) -> None:
    assert invoke("init", tmp_path / "office").returncode == 0
    done = invoke("aids", "-w", tmp_path / "office")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stderr.strip()


def test_no_leaflet_in_the_playbook_shows_the_kits_in_both_languages(loadout_file: Path) -> None:
    data = json.loads(loadout_file.read_text(encoding="utf-8"))
    data["leaflet"] = None
    aids = aids_of(parse_loadout(data))
    assert aids.kit_leaflet
    assert KIT_LEAFLET["ro"] in aids_text(aids, "ro")
    assert "the playbook has none" in aids_text(aids, "en")


def test_hostile_helplines_and_leaflet_are_bounded_plain_text(loadout_file: Path) -> None:
    data = json.loads(loadout_file.read_text(encoding="utf-8"))
    data["helplines"] = [
        {"name": "[bold red]Call\x1b[2Jus", "phone": "0800\n999"},
        {"name": 7},
        "not a helpline",
        {"name": "No phone"},
    ]
    data["leaflet"] = {"en": "x" * 100_000, "ro": ["not", "text"]}
    aids = aids_of(parse_loadout(data))
    [line] = aids.helplines
    assert "\x1b" not in line.name and line.phone == "0800 999"
    assert len(aids.leaflet["en"]) < TEXT_MAX + 40
    assert aids.leaflet_in("ro") == aids.leaflet["en"]  # no Romanian text: the English one


def test_no_helplines_at_all_still_shows_the_national_one(loadout_file: Path) -> None:
    data = json.loads(loadout_file.read_text(encoding="utf-8"))
    data["helplines"] = "nonsense"
    [line] = aids_of(parse_loadout(data)).helplines
    assert line.phone == "08000 121 700"


@pytest.mark.parametrize(
    ("given", "chosen"), [(None, "en"), ("", "en"), ("ro", "ro"), ("RO_ro", "ro"), ("de", "en")]
)
def test_language_from_fieldkit_lang(given: str | None, chosen: str) -> None:
    assert choose_language(given) == chosen
