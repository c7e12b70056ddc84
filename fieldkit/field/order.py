"""The operation order as a device shows it: the team's leader and radio, the day's briefing and
debrief, a visit's risk controls (read once with the loadout, field/order_facts.py)."""

from __future__ import annotations

from datetime import date

from fieldkit.field.loadout import Loadout
from fieldkit.field.order_facts import TEXT_MAX, Meeting, VisitRisk
from fieldkit.i18n import N_, _

__all__ = ["TEXT_MAX", "Meeting", "VisitRisk", "meetings_on", "order_line", "risk_lines"]


def team_leader(loadout: Loadout) -> str | None:
    """The team leader's name (the playbook's `leader`), None when not given."""
    return loadout.order.leader


def team_radio(loadout: Loadout) -> str | None:
    """The team's radio channel and call sign, as one text, None when neither is given."""
    return loadout.order.radio


def meetings_on(loadout: Loadout, day: date) -> list[Meeting]:
    """The team's briefings and debriefs held on `day` (local), in time order."""
    return [m for m in loadout.order.meetings if m.start.date() == day]


def visit_risk(loadout: Loadout, visit: str) -> VisitRisk | None:
    """The risk assessment of the team's visit `visit`, None when it has none."""
    return loadout.order.risks.get(visit)


MEETING_WORDS = {"briefing": N_("Briefing"), "debrief": N_("Debrief")}


def order_line(loadout: Loadout, day: date) -> str:
    """One line for Log mode's header: leader, radio, the day's briefing and debrief times."""
    parts = []
    leader, radio = team_leader(loadout), team_radio(loadout)
    if leader:
        parts.append(_("Leader {name}").format(name=leader))
    if radio:
        parts.append(_("Radio {radio}").format(radio=radio))
    for meeting in meetings_on(loadout, day):
        kind = _(MEETING_WORDS.get(meeting.kind, meeting.kind.capitalize()))
        parts.append(f"{kind} {meeting.start:%H:%M}")
    return " · ".join(parts) if parts else _("No leader, radio or briefing in the plan")


def risk_lines(risk: VisitRisk | None) -> list[str]:
    """The risk controls of a visit as lines to show when it is selected."""
    if risk is None:
        return [_("Risk: no assessment for this visit in the plan")]
    head = _("Risk {level}").format(level=risk.level) if risk.level else _("Risk")
    rules = []
    if risk.min_team_size:
        rules.append(_("at least {count} officers").format(count=risk.min_team_size))
    if risk.lead:
        rules.append(_("lead: {who}").format(who=risk.lead.replace("_", " ")))
    lines = [head + (f" ({'; '.join(rules)})" if rules else "")]
    lines += [_("  control: {text}").format(text=c) for c in risk.controls]
    lines += [_("  hazard: {text}").format(text=h) for h in risk.hazards]
    return lines
