"""`fieldkit playbook check` on one broken playbook per class of mistake: exact located messages."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from fieldkit.playbook import PlaybookError, check_playbook, load_playbook, load_text
from tests.support.cli import fieldkit
from tests.support.paths import BARNET

BROKEN = Path(__file__).resolve().parent / "playbooks_broken"
VALID = BROKEN / "_valid.yaml"

# Each file in playbooks_broken/ is _valid.yaml with one mistake (its first line says which),
# and these are all the problems `check` reports for it, in order, as LINE:COL: message.
EXPECTED: dict[str, list[str]] = {
    "activity_venue_unknown": [
        '54:14: no venue with id "church-z" (did you mean "church-a"?)',
    ],
    "bad_duration": [
        '57:15: duration: "an hour" is not a duration; write 90, "90m" or "1h30"',
    ],
    "bad_indentation": [
        "19:4: bad indentation: this line does not line up with the lines above it",
    ],
    "binary": [
        "10:11: binary file (a NUL byte): not a YAML playbook",
    ],
    "date_outside_operation": [
        "63:18: 2024-11-22 is outside the operation (2024-10-21 to 2024-10-27)",
    ],
    "duplicate_id": [
        '18:9: roster id "pc-a" is used twice (first on line 14)',
        '33:21: no one with id "pc-b" in the roster (did you mean "pc-c"?)',
    ],
    "duplicate_key": [
        '20:5: duplicate key "name" (first given on line 19)',
    ],
    "empty": [
        "1:1: the playbook is empty",
    ],
    "every_team_has": [
        '36:14: team "bravo" has no member with the skill "driver" (rules.team.every_team_has)',
    ],
    "hour_25": [
        '56:42: to: "25:00" is not a time of day (00:00 to 23:59)',
    ],
    "latitude_out_of_range": [
        "46:15: location: latitude 151.59 is outside -90..90 (is it [latitude, longitude]?)",
    ],
    "list_for_mapping": [
        "9:9: area: should be a mapping (key: value lines), not a list",
    ],
    "mapping_for_list": [
        '17:13: skills: should be a list ([a, b], or lines starting with "- "), not a mapping',
    ],
    "member_not_in_roster": [
        '33:21: no one with id "pc-bb" in the roster (did you mean "pc-b"?)',
    ],
    "misplaced_quote": [
        "56:42: text right after a closing quote (a missing or extra quote?)",
    ],
    "missing_key": [
        '4:3: missing required key "name" in operation',
    ],
    "not_a_date": [
        '6:10: "2024-02-30" is not a date (day is out of range for month)',
    ],
    "not_a_mapping": [
        "2:1: a playbook is a mapping of sections (operation:, roster:, ...)",
    ],
    "not_utf8": [
        "44:11: not UTF-8 text (byte 0xc9); save the file as UTF-8",
    ],
    "only_comments": [
        "1:1: the playbook is empty",
    ],
    "operation_end_before_start": [
        "7:8: the operation ends (2024-10-20) before it starts (2024-10-21)",
    ],
    "person_in_two_teams": [
        '36:30: "pc-b" is already in team "alpha"',
    ],
    "several_problems": [
        "7:8: the operation ends (2024-10-20) before it starts (2024-10-21)",
        '21:5: unknown key "skils" (did you mean "skills"?)',
        '33:21: no one with id "pc-bb" in the roster (did you mean "pc-b"?)',
        '49:11: unknown venue type "carwash" (did you mean "car_wash"?)',
        '56:42: to: "25:00" is not a time of day (00:00 to 23:59)',
        "57:15: duration: must be between 1 minute and 24 hours, not 0 minutes",
    ],
    "string_for_number": [
        '38:22: max_hours_per_day: should be a number, not "ten"',
    ],
    "tab_indent": [
        "5:1: tab character: YAML indents with spaces, not tabs",
    ],
    "unclosed_bracket": [
        '11:13: "[" is not closed (missing "]")',
    ],
    "unclosed_quote": [
        "5:9: quoted text is not closed on this line (missing quote)",
    ],
    "unknown_code_list": [
        '53:5: unknown code list "skils" (did you mean "skills"?)',
    ],
    "unknown_key": [
        '21:5: unknown key "skils" (did you mean "skills"?)',
    ],
    "unknown_partner": [
        '12:24: unknown partner "anitpp" (did you mean "anitp"?)',
    ],
    "unknown_section": [
        '37:1: unknown key "rulez" (did you mean "rules"?)',
    ],
    "unknown_skill": [
        '25:31: unknown skill "femail_officer" (did you mean "female_officer"?)',
    ],
    "unknown_time_zone": [
        '8:13: timezone: unknown time zone "Europe/Londn" (did you mean "Europe/London"?)',
    ],
    "unknown_venue_type": [
        '49:11: unknown venue type "carwash" (did you mean "car_wash"?)',
    ],
    "venue_without_place": [
        "47:5: a venue needs a location [lat, lon] or an address to geocode",
    ],
    "order_mistakes": [
        '34:13: the leader "pc-c" is not a member of team "alpha" (did you mean "pc-b"?)',
        '67:32: no venue with id "church-z" (did you mean "church-a"?)',
        '68:15: at: "25:00" is not a time of day (00:00 to 23:59)',
        '71:13: unknown venue type "brothl" (did you mean "brothel"?)',
        "73:14: level: Input should be 'low', 'medium' or 'high'",
        '74:42: unknown skill "female_oficer" (did you mean "female_officer"?)',
        '76:16: no venue with id "carwash-z" (did you mean "carwash-b"?)',
        "79:14: 2024-11-01 is outside the operation (2024-10-21 to 2024-10-27)",
        '79:82: no team with id "charlie"',
    ],
    "window_end_before_start": [
        "56:42: the window ends (14:00) before it starts (15:00); a window may only run past "
        'midnight overnight, from noon or later to noon or earlier (e.g. "22:00" to "03:00")',
    ],
    "window_no_length": [
        "56:42: the window opens and closes at 15:00; give it a length",
    ],
}


def located(problems: list) -> list[str]:
    return [f"{p.line}:{p.column}: {p.message}" for p in problems]


def test_every_broken_file_has_its_expected_problems() -> None:
    names = {p.stem for p in BROKEN.glob("*.yaml")} - {"_valid"}
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file(name: str) -> None:
    path = BROKEN / f"{name}.yaml"
    problems = check_playbook(path)
    assert located(problems) == EXPECTED[name]
    assert all(p.file == str(path) for p in problems)
    with pytest.raises(PlaybookError) as caught:
        load_playbook(path)
    assert caught.value.exit_code == 2
    assert str(caught.value) == "\n".join(f"{path}:{line}" for line in EXPECTED[name])


def test_valid_base_and_barnet_load() -> None:
    assert check_playbook(VALID) == []
    assert check_playbook(BARNET) == []
    playbook = load_playbook(VALID)
    assert [t.id for t in playbook.teams] == ["alpha", "bravo"]
    assert playbook.source == str(VALID)


@pytest.mark.parametrize(
    "name", ["unknown_key", "several_problems", "binary", "not_utf8", "unclosed_quote", "empty"]
)
def test_cli_prints_every_problem_and_exits_2(name: str) -> None:
    path = f"tests/playbooks_broken/{name}.yaml"
    result = fieldkit("playbook", "check", path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        *(f"{path}:{line}" for line in EXPECTED[name]),
        "1 of 1 playbook(s) have problems",
    ]


def test_cli_checks_every_file_given() -> None:
    files = ["tests/playbooks_broken/_valid.yaml", "tests/playbooks_broken/hour_25.yaml"]
    missing, folder = "tests/playbooks_broken/no-such.yaml", "tests/playbooks_broken"
    result = fieldkit("playbook", "check", *files, missing, folder)
    assert result.returncode == 2
    assert result.stdout == "tests/playbooks_broken/_valid.yaml: ok\n"
    assert result.stderr.splitlines() == [
        "tests/playbooks_broken/hour_25.yaml:" + EXPECTED["hour_25"][0],
        f"{missing}:1:1: no such file",
        f"{folder}:1:1: is a folder, not a playbook file",
        "3 of 4 playbook(s) have problems",
    ]


def test_valid_file_exits_0() -> None:
    result = fieldkit("playbook", "check", "tests/playbooks_broken/_valid.yaml")
    assert (result.returncode, result.stderr) == (0, "")


def test_file_over_10_mb_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.write(VALID.read_bytes())
        handle.truncate(10 * 1024 * 1024 + 1)
    expected = "1:1: the file is 10,485,761 bytes; playbooks over 10 MB are refused"
    assert located(check_playbook(big)) == [expected]
    result = fieldkit("playbook", "check", str(big))
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == f"{big}:{expected}"


def test_missing_file_and_folder() -> None:
    assert located(check_playbook(BROKEN / "nope.yaml")) == ["1:1: no such file"]
    assert located(check_playbook(BROKEN)) == ["1:1: is a folder, not a playbook file"]


BASE = VALID.read_text(encoding="utf-8")
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n"
    for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: &a [*a]\n", ["1:4: an alias (*name) refers to the value that contains it"]),
        (LAUGHS, ["1:32: more than 200,000 values (anchors and aliases repeated?)"]),
        ("[" * 3000 + "]" * 3000, None),
        (
            "version: 1\nname: a\x07b\n",
            ["2:8: control character U+0007 is not allowed in a playbook"],
        ),
        ("version: !thing 1\n", ['1:10: YAML tag "!thing" is not used in playbooks']),
        (
            "version: !!int one\n",
            ["1:10: \"one\" is not a whole number (invalid literal for int() with base 10: 'one')"],
        ),
        ("a: &x {b: 1}\nc:\n  <<: *x\n", ["3:3: merge keys (<<) are not supported"]),
        (
            "version: 1\n---\nversion: 1\n",
            ["2:1: a second YAML document (---): a playbook file holds one"],
        ),
        (
            "a: b: c\n",
            ['1:5: a ": " inside a value: quote the value, or put the key on a line of its own'],
        ),
        ("a: *nowhere\n", ["1:4: undefined alias 'nowhere' (no &anchor of that name before it)"]),
        ("name: @home\n", ['1:7: "@" cannot start a value: put the value in quotes']),
        (
            'name: "C:\\new\\qa"\n',
            [
                "1:15: unknown escape (\\) in double-quoted text: write \\\\ for a backslash, "
                "or use single quotes"
            ],
        ),
        ("just words\n", ["1:1: a playbook is a mapping of sections (operation:, roster:, ...)"]),
        ("---\n...\n", ["1:1: the playbook is empty"]),
    ],
)
def test_hostile_yaml_is_a_located_problem(text: str, expected: list[str] | None) -> None:
    with pytest.raises(PlaybookError) as caught:
        load_text(text, "f.yaml")
    if expected is None:
        assert [p.message for p in caught.value.problems] == ["nested too deeply to be a playbook"]
    else:
        assert located(caught.value.problems) == expected


def test_fields_a_person_might_get_wrong() -> None:
    cases = {
        ("min_size: 2", "min_size: 0"): ["40:15: min_size: must be at least 1, not 0"],
        ("    members: [pc-a, pc-b]", "    members: []"): [
            "33:14: members: needs at least 1 entry"
        ],
        ("  id: test-op", "  id: Test Op"): [
            '4:7: id: "Test Op" is not an id or code: use lower-case letters, digits, _ or -'
        ],
        ("version: 1", "version: 2"): ["2:10: version: must be 1, not 2"],
        # One problem for a wrongly written code: the unknown code, not also its spelling.
        ("type: church", "type: Church"): [
            '45:11: unknown venue type "Church" (did you mean "church"?)'
        ],
        ("members: [pc-a, pc-b]", "members: [pc-a, PC-B]"): [
            '33:21: no one with id "PC-B" in the roster (did you mean "pc-b"?)'
        ],
        ("    name: Church A\n", ""): ['43:5: missing required key "name" for this venue'],
        (
            '      - {days: [sun], from: "12:00", to: "15:00"}',
            '      - {days: [sun], to: "15:00"}',
        ): ['56:9: missing required key "from" for this window'],
        ("end: 2024-10-27", "end: 2024-10-25"): [
            "56:16: the operation (2024-10-21 to 2024-10-25) has no Sunday"
        ],
        # A misspelt required key is one problem, not also "missing required key".
        ('from: "12:00"', 'form: "12:00"'): ['56:23: unknown key "form" (did you mean "from"?)'],
        ("duration: 60", "duration:"): [
            '57:14: duration: no duration given; write 90, "90m" or "1h30"'
        ],
        ("members: [pc-a, pc-b]", "members: [pc-a, pc-a]"): [
            '33:21: "pc-a" is listed twice in team "alpha"'
        ],
        ("days: [sun]", "days: [sunday, funday]"): [
            '56:25: "funday" is not a day; use one of mon, tue, wed, thu, fri, sat, sun'
        ],
    }
    for (old, new), expected in cases.items():
        assert old in BASE
        with pytest.raises(PlaybookError) as caught:
            load_text(BASE.replace(old, new, 1), "f.yaml")
        assert located(caught.value.problems) == expected, new


def test_times_are_aware_and_dst_correct() -> None:
    """Clocks go back at 02:00 BST on the last Sunday of October (27 October 2024)."""
    playbook = load_playbook(VALID)
    sunday = date(2024, 10, 27)
    start, end = playbook.at(sunday, time(0, 30)), playbook.at(sunday, time(3, 30))
    assert start.tzinfo is not None and str(start.tzinfo) == "Europe/London"
    assert start.utcoffset() == timedelta(hours=1)  # BST
    assert end.utcoffset() == timedelta(0)  # GMT
    assert start.astimezone(UTC) == datetime(2024, 10, 26, 23, 30, tzinfo=UTC)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=4)
    saturday = playbook.at(date(2024, 10, 26), time(12, 0))
    assert saturday.astimezone(UTC).hour == 11


def test_key_with_a_bracket_is_an_unknown_key_not_a_crash() -> None:
    # pydantic marks union branches with "[...]" in its error paths; a key the user wrote
    # with a "[" must still be located and named.
    text = BARNET.read_text(encoding="utf-8").replace("version: 1", "v[ersion: 1")
    with pytest.raises(PlaybookError) as caught:
        load_text(text, "m.yaml")
    assert [str(p) for p in caught.value.problems] == [
        'm.yaml:8:1: unknown key "v[ersion" (did you mean "version"?)'
    ]
