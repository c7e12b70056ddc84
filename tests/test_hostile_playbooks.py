"""Bad playbooks cost seconds: a 10 MB list of numbers, a huge value, a huge value quoted."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.bundles import HOSTILE, MEMORY_CAP, MiB, quotes_little
from tests.support.cli import fieldkit, invoke
from tests.support.paths import ROOT

# -- a playbook of ten million numbers ------------------------------------------------------


def test_a_10_mb_flow_list_playbook_is_refused_early_with_its_place(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    count = (10 * MiB - 16) // 3
    big.write_text("[" + ", ".join(["1"] * count) + "]\n")
    assert 9 * MiB < big.stat().st_size < 10 * MiB
    done = fieldkit(
        "playbook", "check", big, timeout=60, max_memory=MEMORY_CAP
    )  # a hang guard, not a time limit
    assert done.returncode == 2
    first = done.stderr.splitlines()[0]
    assert first == (
        f"{big}:1:299999: more than 100,000 keys and values: far too many for a playbook"
    )


def test_the_careful_parser_counts_too_when_libyaml_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fieldkit.playbook import PlaybookError, load_text, yamlread

    monkeypatch.delattr(yamlread.yaml, "CSafeLoader", raising=False)
    monkeypatch.setattr(yamlread, "MAX_NODES", 50)
    with pytest.raises(PlaybookError) as caught:
        load_text("a: [" + ", ".join(["1"] * 60) + "]\n", "x.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "x.yaml:1:146: more than 50 keys and values: far too many for a playbook"
    ]


def test_a_huge_value_in_a_playbook_is_refused_before_the_careful_parse(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("version: 1\nnotes: " + "x" * 5_000_000 + "\n")
    done = fieldkit("playbook", "check", big, timeout=60, max_memory=MEMORY_CAP)
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == (
        f"{big}:2:8: a value of 5,000,000 characters; a playbook's values are at most 100,000"
    )


PLAYBOOK_PLACES = {
    "venue type": ("type: church", "type: {v}"),
    "team member": ("members: [pc-a, pc-b]", "members: [pc-a, {v}]"),
    "duration": ("duration: 60", "duration: {V}"),
    "date": ("start: 2024-10-21", "start: '{V}'"),
    "version": ("version: 1", "version: '{V}'"),
    "id": ("id: church-a", "id: {V}"),
    "time zone": ("timezone: Europe/London", "timezone: {V}"),
    "day": ("days: [sun]", "days: [{V}]"),
    "time of day": ('from: "12:00"', 'from: "{V}"'),
    "skill": ("skills: [romanian_speaker]}", "skills: [{v}]}"),
    "partner": ("partners: [met_police, anitp]", "partners: [met_police, {v}]"),
    "tag": ("version: 1", "version: !{H} 1"),
    "alias": ("duration: 60", "duration: *{H}"),
}


@pytest.mark.parametrize("place", sorted(PLAYBOOK_PLACES))
def test_a_playbook_problem_quotes_little_of_a_huge_value(tmp_path: Path, place: str) -> None:
    """90,000 characters (values over 100,000 are refused unquoted) and 1 MB tags and aliases."""
    valid = (ROOT / "tests" / "playbooks_broken" / "_valid.yaml").read_text()
    old, new = PLAYBOOK_PLACES[place]
    value = "Z" * 90_000
    text = valid.replace(
        old, new.replace("{v}", value.lower()).replace("{V}", value).replace("{H}", HOSTILE)
    )
    assert text != valid
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    done = invoke("playbook", "check", str(path))
    assert done.returncode == 2
    problems = done.stderr.strip().splitlines()[:-1]
    shouting = [p.upper() for p in problems]
    assert any(quotes_little(p) for p in shouting), problems[0][:300]
    assert all("Z" * 201 not in p and len(p) < 600 for p in shouting), problems[0][:300]
