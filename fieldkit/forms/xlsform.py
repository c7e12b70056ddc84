"""The engagement form as XLSForm sheets (survey, choices, settings): rows of plain values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from fieldkit.codes import CodeList, load_codes
from fieldkit.codes.rules import flagged
from fieldkit.forms import expressions as rules
from fieldkit.forms.identity import form_id, form_version
from fieldkit.forms.source import FormSource

EN, RO = "English (en)", "Romanian (ro)"
SURVEY_COLUMNS = (
    "type",
    "name",
    f"label::{EN}",
    f"label::{RO}",
    f"hint::{EN}",
    f"hint::{RO}",
    "required",
    "relevant",
    "constraint",
    f"constraint_message::{EN}",
    f"constraint_message::{RO}",
    "calculation",
    "choice_filter",
    "parameters",
    "appearance",
)
CHOICE_COLUMNS = (
    "list_name",
    "name",
    f"label::{EN}",
    f"label::{RO}",
    "team",
    "first_responder",
    "specified_authority",
)
SETTINGS_COLUMNS = ("form_title", "form_id", "version", "default_language", "instance_name")

#: Code lists offered as choices, by the list name the form uses.
CODE_CHOICES = {
    "venue_types": "venue_types",
    "languages": "languages",
    "partners": "partners",
    "indicators": "indicators",
    "outcomes": "outcomes",
    "genders": "genders",
    "age_bands": "age_bands",
    "nationalities": "nationalities",
    "consent": "consent",
    "routes": "routes",
    "interpreters": "interpreters",
}
#: Outcomes after which a referral reference may be written.
REFERRAL_OUTCOMES = ("nrm_referral", "duty_to_notify", "safeguarding_referral")
NO_NAMES = ("Never a name.", "Niciodată un nume.")


@dataclass
class XLSForm:
    """The three sheets, each a list of rows keyed by column."""

    survey: list[dict[str, Any]] = field(default_factory=list)
    choices: list[dict[str, Any]] = field(default_factory=list)
    settings: list[dict[str, Any]] = field(default_factory=list)


def q(kind: str, name: str, en: str, ro: str, **extra: Any) -> dict[str, Any]:
    """One survey row: a question (or group, note, calculate) with both labels."""
    row: dict[str, Any] = {"type": kind, "name": name, f"label::{EN}": en, f"label::{RO}": ro}
    for key, value in extra.items():
        row[{"hint_en": f"hint::{EN}", "hint_ro": f"hint::{RO}"}.get(key, key)] = value
    return row


def build_form(source: FormSource, team: str | None = None) -> XLSForm:
    """The engagement form of `source` (every team, or one team fixed)."""
    form = XLSForm()
    multi = team is None and len(source.teams) > 1
    form.survey = [
        {"type": "start", "name": "start"},
        {"type": "end", "name": "end"},
        {"type": "calculate", "name": "operation", "calculation": f"'{source.operation}'"},
        *_who(source, team, multi),
        *_where(multi),
        *_signs_and_people(),
        *_persons(),
        *_outcomes(),
    ]
    form.choices = _choices(source, team)
    only = team if team is not None else None
    form.settings = [
        {
            "form_title": f"{source.name}: engagement" + (f" ({team})" if team else ""),
            "form_id": form_id(source.operation, only),
            "version": form_version(source.plan_sha256),
            "default_language": EN,
            "instance_name": "concat(${venue_type}, ' ', ${start})",
        }
    ]
    return form


def _who(source: FormSource, team: str | None, multi: bool) -> list[dict[str, Any]]:
    fixed = team if team is not None else next(iter(source.teams))
    rows = []
    if multi:
        rows.append(q("select_one teams", "team", "Team", "Echipa", required="yes"))
    else:
        rows.append({"type": "calculate", "name": "team", "calculation": f"'{fixed}'"})
    rows.append(
        q(
            "select_one officers",
            "officer",
            "Officer logging",
            "Ofițerul care înregistrează",
            required="yes",
            choice_filter="team = ${team}" if multi else "",
        )
    )
    return rows


def _where(multi: bool) -> list[dict[str, Any]]:
    by_team = "team = ${team}" if multi else ""
    return [
        q(
            "select_one visits",
            "visit",
            "Planned visit",
            "Vizita planificată",
            choice_filter=by_team,
        ),
        q("select_one venues", "venue", "Venue", "Locul"),
        q("select_one venue_types", "venue_type", "Venue type", "Tipul locului", required="yes"),
        q(
            "dateTime",
            "time",
            "When",
            "Când",
            hint_en="Leave empty for now.",
            hint_ro="Lăsați gol pentru acum.",
        ),
        q(
            "geopoint",
            "location",
            "Where you stand",
            "Unde vă aflați",
            hint_en="The phone's position and its accuracy.",
            hint_ro="Poziția telefonului și precizia ei.",
            parameters="capture-accuracy=20 warning-accuracy=50",
        ),
        q("select_one languages", "language", "Language used", "Limba folosită"),
        q("select_one yes_no", "interpreter", "Interpreter used", "Cu interpret", required="yes"),
        q("select_multiple partners", "partners", "Partners present", "Parteneri prezenți"),
    ]


def _signs_and_people() -> list[dict[str, Any]]:
    count = ". >= 1 and . <= 1000"
    return [
        q("select_multiple indicators", "indicators", "Signs seen", "Semne observate"),
        q("begin_repeat", "people", "People engaged (a group)", "Persoane abordate (un grup)"),
        q("select_one genders", "group_gender", "Gender", "Gen", required="yes"),
        q("select_one age_bands", "group_age_band", "Age band", "Grupa de vârstă", required="yes"),
        q(
            "select_one nationalities",
            "group_nationality",
            "Nationality",
            "Naționalitate",
            required="yes",
        ),
        {
            **q("integer", "group_count", "How many", "Câți", required="yes", constraint=count),
            f"constraint_message::{EN}": "A group is 1 to 1000 people.",
            f"constraint_message::{RO}": "Un grup are între 1 și 1000 de persoane.",
        },
        {"type": "end_repeat", "name": "people"},
    ]


def _persons() -> list[dict[str, Any]]:
    begin = q(
        "begin_repeat",
        "persons",
        "Person met one to one",
        "Persoană abordată individual",
        hint_en=NO_NAMES[0],
        hint_ro=NO_NAMES[1],
    )
    end = {"type": "end_repeat", "name": "persons"}
    return [begin, *_person_facts(), *_person_referral(), end]


def _person_facts() -> list[dict[str, Any]]:
    """Who the person is and what was seen: never a name."""
    return [
        q("select_one genders", "person_gender", "Gender", "Gen", required="yes"),
        q("select_one age_bands", "person_age_band", "Age band", "Grupa de vârstă", required="yes"),
        q(
            "select_one nationalities",
            "person_nationality",
            "Nationality",
            "Naționalitate",
            required="yes",
        ),
        q("select_one languages", "person_language", "Language", "Limba"),
        q(
            "select_multiple indicators",
            "person_signs",
            "Signs seen in this person",
            "Semne observate la această persoană",
        ),
        {
            "type": "calculate",
            "name": "person_has_signs",
            "calculation": "if(count-selected(${person_signs}) > 0, 1, 0)",
        },
    ]


def _person_referral() -> list[dict[str, Any]]:
    """Consent, the route taken and who referred, with the referral rules as constraints."""
    referral = "${person_route} = 'nrm' or ${person_route} = 'duty_to_notify'"
    return [
        q("select_one consent", "person_consent", "Consent", "Acord", required="yes"),
        _ruled(
            q("select_one routes", "person_route", "Route", "Calea", required="yes"),
            rules.route(),
            rules.ROUTE_RULES,
        ),
        _ruled(
            q(
                "select_one officers",
                "person_by",
                "Referred by",
                "Referit de",
                required="yes",
                relevant=referral,
            ),
            rules.referrer(),
            rules.REFERRER_RULES,
        ),
        q(
            "text",
            "person_ref",
            "Referral reference",
            "Referința referirii",
            relevant="${person_route} != 'none'",
            hint_en=NO_NAMES[0],
            hint_ro=NO_NAMES[1],
        ),
        q(
            "select_one interpreters",
            "person_interpreter",
            "Interpreter",
            "Interpret",
            required="yes",
        ),
    ]


def _ruled(row: dict[str, Any], constraint: str, names: tuple[str, ...]) -> dict[str, Any]:
    return {
        **row,
        "constraint": constraint,
        f"constraint_message::{EN}": rules.message(names, 0),
        f"constraint_message::{RO}": rules.message(names, 1),
    }


def _outcomes() -> list[dict[str, Any]]:
    referral = " or ".join(f"selected(${{outcomes}}, '{o}')" for o in REFERRAL_OUTCOMES)
    return [
        _ruled(
            q(
                "select_multiple outcomes",
                "outcomes",
                "What was done",
                "Ce s-a făcut",
                required="yes",
            ),
            rules.no_concerns(),
            ("no_concerns_with_signs",),
        ),
        q(
            "text",
            "referral_ref",
            "Referral reference",
            "Referința referirii",
            relevant=referral,
            hint_en=NO_NAMES[0],
            hint_ro=NO_NAMES[1],
        ),
        q(
            "text",
            "notes",
            "Notes",
            "Note",
            appearance="multiline",
            hint_en="Never a name of a person engaged.",
            hint_ro="Niciodată numele unei persoane abordate.",
        ),
    ]


def _choices(source: FormSource, team: str | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for list_name, code_list in CODE_CHOICES.items():
        rows += _codes(list_name, source.codes[code_list])
    rows += [_choice("yes_no", "yes", "Yes", "Da"), _choice("yes_no", "no", "No", "Nu")]
    teams = {t: d for t, d in source.teams.items() if team is None or t == team}
    # Central checks the rules with the kit's partner flags (central/referrals.py): so here.
    responders = flagged(load_codes(), "first_responder") | flagged(source.codes, "first_responder")
    authorities = flagged(load_codes(), "specified_authority") | flagged(
        source.codes, "specified_authority"
    )
    for tid, doc in teams.items():
        rows.append(_choice("teams", tid, str(doc.get("name") or tid), str(doc.get("name") or tid)))
        for m in doc.get("members") or []:
            agency = str(m.get("agency") or "")
            label = f"{m.get('name') or m['id']} ({m['id']})"
            rows.append(
                {
                    **_choice("officers", str(m["id"]), label, label),
                    "team": tid,
                    "first_responder": "true" if agency in responders else "false",
                    "specified_authority": "true" if agency in authorities else "false",
                }
            )
        for a in source.assignments.get(tid) or []:
            label = f"{a.get('start', '')[:16].replace('T', ' ')} {a.get('activity_name', '')}"
            rows.append({**_choice("visits", str(a["visit"]), label, label), "team": tid})
    for v in source.venues:
        rows.append(
            _choice(
                "venues", str(v["id"]), str(v.get("name") or v["id"]), str(v.get("name") or v["id"])
            )
        )
    return rows


def _codes(list_name: str, codes: CodeList) -> Iterable[dict[str, Any]]:
    return [_choice(list_name, c.code, c.en, c.ro) for c in codes]


def _choice(list_name: str, name: str, en: str, ro: str) -> dict[str, Any]:
    return {"list_name": list_name, "name": name, f"label::{EN}": en, f"label::{RO}": ro}
