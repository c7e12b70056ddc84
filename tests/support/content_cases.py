"""One record per content rule that breaks only that rule, with the rule and its exact reason.

Shared by the rule-by-rule tests (fieldkit/central/content.py alone) and the ingest tests (the
same records refused by central, as `malformed` for a form rule, `content` otherwise).
"""

from __future__ import annotations

from typing import Any

import pytest

PEOPLE = {"gender": "female", "age_band": "age_25_34", "nationality": "romanian", "count": 1}
NOT_UUID = "is not a UUID (8-4-4-4-12 lowercase hex digits)"
NOT_TIME = "is not an ISO 8601 time with a UTC offset, in the years 1900 to 2999"
#: The device's credential and its operation in every case: team alpha of barnet-2023.
OPERATION, TEAM, OFFICER = "barnet-2023", "alpha", "pc-okafor"

# (what is wrong, the change, the rule that refuses it, its exact reason)
CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("id with markup", {"id": "[/bold]x"}, "record_id", f'id "[/bold]x" {NOT_UUID}'),
    ("id in capitals", {"id": "0190A000-0000-7000-8000-000000000001"}, "record_id",
     f'id "0190A000-0000-7000-8000-000000000001" {NOT_UUID}'),
    ("id with a tail", {"id": "0190a000-0000-7000-8000-000000000001\n"}, "record_id",
     f'id "0190a000-0000-7000-8000-000000000001\\n" {NOT_UUID}'),
    ("amends not a UUID", {"amends": "last one"}, "amends_id", f'amends "last one" {NOT_UUID}'),
    ("hlc not a stamp", {"hlc": "tomorrow"}, "clock_stamp",
     'hlc "tomorrow" is not a clock stamp (15 digits, a hyphen, 5 digits)'),
    ("hlc one digit short", {"hlc": "00169575780000-00000"}, "clock_stamp",
     'hlc "00169575780000-00000" is not a clock stamp (15 digits, a hyphen, 5 digits)'),
    ("prev_hash not hex", {"prev_hash": "[red]" * 3}, "chain_link",
     'prev_hash "[red][red][red]" is not 64 lowercase hex digits'),
    ("prev_hash in capitals", {"prev_hash": "A" * 64}, "chain_link",
     f'prev_hash "{"A" * 64}" is not 64 lowercase hex digits'),
    ("lone surrogate in notes", {"notes": "a\ud800b"}, "text_fields",
     "notes is not valid UTF-8 text (it holds a lone surrogate)"),
    ("lone surrogate in a code", {"indicators": ["\udfff"]}, "text_fields",
     "indicators[0] is not valid UTF-8 text (it holds a lone surrogate)"),
    ("lone surrogate in people", {"people": [{**PEOPLE, "gender": "\udc80"}]}, "text_fields",
     "people[0].gender is not valid UTF-8 text (it holds a lone surrogate)"),
    ("notes too long", {"notes": "x" * 4001}, "text_fields",
     "notes is 4001 characters long (at most 4000)"),
    ("referral reference too long", {"referral_ref": "R" * 65}, "text_fields",
     "referral_ref is 65 characters long (at most 64)"),
    ("referral reference too long after notes at their limit",
     {"notes": "x" * 4000, "referral_ref": "R" * 65}, "text_fields",
     "referral_ref is 65 characters long (at most 64)"),
    ("venue id too long", {"venue": "v" * 201}, "text_fields",
     "venue is 201 characters long (at most 200)"),
    ("a code too long", {"partners": ["p" * 201]}, "text_fields",
     "partners[0] is 201 characters long (at most 200)"),
    ("too many partners", {"partners": ["anitp"] * 101}, "text_fields",
     "partners holds 101 items (at most 100)"),
    ("too many indicators", {"indicators": ["long_hours"] * 101}, "text_fields",
     "indicators holds 101 items (at most 100)"),
    ("too many outcomes", {"outcomes": ["leaflet_given"] * 101}, "text_fields",
     "outcomes holds 101 items (at most 100)"),
    ("too many people groups", {"people": [PEOPLE] * 501}, "text_fields",
     "people holds 501 groups (at most 500)"),
    ("latitude 1e308", {"lat": 1e308}, "position", "lat 1e+308 is not a latitude (-90..90)"),
    ("latitude NaN", {"lat": float("nan")}, "position", "lat NaN is not a latitude (-90..90)"),
    ("latitude below -90", {"lat": -90.5}, "position", "lat -90.5 is not a latitude (-90..90)"),
    ("latitude above 90", {"lat": 90.5}, "position", "lat 90.5 is not a latitude (-90..90)"),
    ("longitude infinite", {"lon": float("inf")}, "position",
     "lon Infinity is not a longitude (-180..180)"),
    ("longitude 180.5", {"lon": 180.5}, "position", "lon 180.5 is not a longitude (-180..180)"),
    ("longitude -180.5", {"lon": -180.5}, "position", "lon -180.5 is not a longitude (-180..180)"),
    ("accuracy negative", {"accuracy_m": -1.0}, "position",
     "accuracy_m -1.0 is not between 0 and 100000 metres"),
    ("accuracy huge", {"accuracy_m": 100000.5}, "position",
     "accuracy_m 100000.5 is not between 0 and 100000 metres"),
    ("latitude without longitude", {"lon": None}, "position",
     "lat and lon go together: one of them is missing"),
    ("longitude without latitude", {"lat": None}, "position",
     "lat and lon go together: one of them is missing"),
    ("time not a time", {"time": "soon"}, "times", f'time "soon" {NOT_TIME}'),
    ("time without offset", {"time": "2023-09-26T19:30:00"}, "times",
     f'time "2023-09-26T19:30:00" {NOT_TIME}'),
    ("time in the year 1", {"time": "0001-01-01T00:00:00+14:00"}, "times",
     f'time "0001-01-01T00:00:00+14:00" {NOT_TIME}'),
    ("time in the year 1899", {"time": "1899-12-31T23:00:00+00:00"}, "times",
     f'time "1899-12-31T23:00:00+00:00" {NOT_TIME}'),
    ("time in the year 3000", {"time": "3000-01-01T00:00:00+00:00"}, "times",
     f'time "3000-01-01T00:00:00+00:00" {NOT_TIME}'),
    ("recorded_at not a time", {"recorded_at": "[bold]"}, "times",
     f'recorded_at "[bold]" {NOT_TIME}'),
    ("unknown time zone", {"timezone": "Mars/Olympus"}, "time_zone",
     'timezone "Mars/Olympus" is not a known time zone'),
    ("time zone as a path", {"timezone": "../../etc/passwd"}, "time_zone",
     'timezone "../../etc/passwd" is not a known time zone'),
    ("people count too big", {"people": [{**PEOPLE, "count": 10001}]}, "people_counts",
     "a people count of 10001 is over 10000"),
    ("another operation", {"operation": "kent-2024"}, "operation",
     "operation \"kent-2024\" is not this device's (barnet-2023)"),
    ("another team", {"team": "bravo"}, "team", "team \"bravo\" is not this device's (alpha)"),
    ("officer of another team", {"officer": "dc-patel"}, "officer",
     'officer "dc-patel" is not a member of team alpha'),
    ("unknown venue type", {"venue_type": "[red]spa"}, "venue_type_code",
     "venue_type \"[red]spa\" is not one of the operation's venue types"),
    ("unknown language", {"language": "klingon"}, "language_code",
     "language \"klingon\" is not one of the operation's languages"),
    ("unknown partner", {"partners": ["anitp", "nobody"]}, "listed_codes",
     "partner \"nobody\" is not one of the operation's partners"),
    ("unknown indicator", {"indicators": ["<script>"]}, "listed_codes",
     "indicator \"<script>\" is not one of the operation's indicators"),
    ("unknown outcome", {"outcomes": ["vanished"]}, "listed_codes",
     "outcome \"vanished\" is not one of the operation's outcomes"),
    ("unknown gender", {"people": [{**PEOPLE, "gender": "x"}]}, "people_codes",
     "gender \"x\" is not one of the operation's genders"),
    ("unknown age band", {"people": [{**PEOPLE, "age_band": "age_0_1"}]}, "people_codes",
     "age_band \"age_0_1\" is not one of the operation's age bands"),
    ("unknown nationality", {"people": [PEOPLE, {**PEOPLE, "nationality": "martian"}]},
     "people_codes", "nationality \"martian\" is not one of the operation's nationalities"),
    ("visit not in the plan", {"visit": "nowhere-visit"}, "planned_visit",
     "visit \"nowhere-visit\" is not in the operation's plan"),
    ("venue not in the plan", {"venue": "[/bold]x"}, "planned_venue",
     "venue \"[/bold]x\" is not in the operation's plan"),
]  # fmt: skip

#: Changes at the edge of every range: a record with any one of them breaks no rule.
EDGES: list[tuple[str, dict[str, Any]]] = [
    ("latitude -90 and longitude 180", {"lat": -90.0, "lon": 180.0}),
    ("latitude 90 and longitude -180", {"lat": 90, "lon": -180}),
    ("no position at all", {"lat": None, "lon": None, "accuracy_m": None}),
    ("accuracy 0", {"accuracy_m": 0.0}),
    ("accuracy 100000", {"accuracy_m": 100000}),
    ("notes of 4000 characters", {"notes": "ș" * 4000}),
    ("referral reference of 64", {"referral_ref": "R" * 64}),
    ("another time zone", {"timezone": "Europe/Bucharest"}),
    ("no notes, language or amends", {"notes": None, "language": None, "amends": None}),
    ("amends a UUID", {"amends": "0190a000-0000-7000-8000-000000000001"}),
    ("100 partners", {"partners": ["anitp"] * 100}),
    ("500 people groups of 10000", {"people": [{**PEOPLE, "count": 10000}] * 500}),
    ("nobody engaged", {"people": []}),
    ("a time in 1900 and 2999", {"time": "1900-01-01T00:00:00+00:00",
                                 "recorded_at": "2999-12-31T23:59:59-05:00"}),
    ("another member of the team", {"officer": "anitp-ionescu"}),
    ("no visit and no venue", {"visit": None, "venue": None}),
]  # fmt: skip


#: The cases and the edges as pytest parameters, named.
CASE_PARAMS = [pytest.param(change, rule, reason, id=name) for name, change, rule, reason in CASES]
EDGE_PARAMS = [pytest.param({}, id="as logged")] + [pytest.param(c, id=n) for n, c in EDGES]
