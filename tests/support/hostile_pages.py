"""Hostile text for every field that can reach a page, and a page check in headless Chromium.

A payload tries each way out of the place it lands: out of an attribute, a <title>, a
<script> or <style> element, an inline handler, markup an HTML sink would parse. If any part
of it runs it calls `__pwned(TAG)` (a function the test exposes) or opens a dialog; if any part
of it becomes markup, an element with an id starting `fk-x-`, `fk-s-` or `fk-v-` appears.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.playbooks import small_barnet

MARKER = re.compile(r"^fk-[xsv]-")

#: Free-text fields of the playbook language (schema $defs name, field): the strings that are
#: not ids, codes, dates, clocks or zone names. Every one is made hostile by hostile_playbook.
PLAYBOOK_TEXT_FIELDS = {
    ("Operation", "name"),
    ("Operation", "lead"),
    ("Operation", "description"),
    ("Area", "name"),
    ("Person", "name"),
    ("Person", "contact"),
    ("Team", "name"),
    ("Team", "call_sign"),
    ("Venue", "name"),
    ("Venue", "address"),
    ("Venue", "notes"),
    ("Activity", "name"),
    ("Activity", "instructions"),
    ("CodeEntry", "en"),
    ("CodeEntry", "ro"),
    ("CodeEntry", "kind"),
    ("Helpline", "name"),
    ("Helpline", "phone"),
    ("Helpline", "hours"),
    ("Leaflet", "en"),
    ("Leaflet", "ro"),
    ("Intent", "aim"),
    ("Contact", "name"),
    ("Contact", "role"),
    ("Contact", "contact"),
    ("Meeting", "room"),
    ("Team", "radio"),
    ("Communications", "talk_group"),
    ("InterpreterBooking", "language"),
    ("InterpreterBooking", "interpreter"),
    ("InterpreterBooking", "contact"),
    ("Humanitarian", "reception_centre"),
    ("Humanitarian", "emergency_accommodation"),
}
#: Strings the schema leaves free but the playbook checks against a list.
PLAYBOOK_CHECKED_STRINGS = {
    ("Operation", "timezone"),
    # Review periods: a number and a unit ("6 years"), anything else refused where it stands.
    ("Retention", "sensitive_text"),
    ("Retention", "no_concern_engagements"),
}


def payload(tag: str) -> str:
    """Text that escapes every HTML context it could land in, tagged so a failure names it."""
    t = re.sub(r"\W", "_", tag)
    return (
        f"{tag} \"'></title></textarea></style></script>"
        f'<img id="fk-x-{t}" src="x" onerror="__pwned(\'{t}\')">'
        f"<script id=\"fk-s-{t}\">__pwned('{t}')</script>"
        f'<svg id="fk-v-{t}" onload="alert(\'{t}\')"></svg>\u2028'
    )


def hostile_playbook(
    make: Callable[[str], str] = payload,
) -> tuple[dict[str, Any], dict[str, list[float]]]:
    """A small Barnet playbook with every free-text field hostile, and a geocode cache for it.

    `make` makes the hostile text of a field from its tag (HTML by default).

    Only the church visits are kept, so the plan solves at once. It adds a partner and an
    indicator with hostile labels (a partner member brings the partner's label into the
    briefing) and a venue known only by a hostile address, located from the cache so planning
    needs no network.
    """
    data = small_barnet(
        drop=("labour-checks", "luton-flights", "shelter-visits", "brothel-evenings")
    )
    op = data["operation"]
    op["name"] = make("operation.name")
    op["lead"] = make("operation.lead")
    op["description"] = make("operation.description")
    op["area"]["name"] = make("area.name")
    for i, person in enumerate(data["roster"]):
        person["name"] = make(f"person{i}.name")
        person["contact"] = make(f"person{i}.contact")
    for i, team in enumerate(data["teams"]):
        team["name"] = make(f"team{i}.name")
        team["call_sign"] = make(f"team{i}.call_sign")
    for i, venue in enumerate(data["venues"]):
        venue["name"] = make(f"venue{i}.name")
        venue["notes"] = make(f"venue{i}.notes")
    address = make("venue.address")
    data["venues"].append(
        {"id": "church-by-address", "name": make("venue.by_address"), "type": "church",
         "address": address}
    )  # fmt: skip
    for i, activity in enumerate(data["activities"]):
        activity["name"] = make(f"activity{i}.name")
        activity["instructions"] = make(f"activity{i}.instructions")
    data["helplines"] = [
        {"name": make("helpline.name"), "phone": make("helpline.phone"),
         "hours": make("helpline.hours")}
    ]  # fmt: skip
    data["leaflet"] = {"en": make("leaflet.en"), "ro": make("leaflet.ro")}
    data["partners"].append("hostile_partner")
    data["roster"][11]["agency"] = "hostile_partner"  # in team Delta, the team that is planned
    data["codes"] = {
        "add": {
            "partners": [
                {"code": "hostile_partner", "en": make("partner.en"),
                 "ro": make("partner.ro"), "kind": make("partner.kind")}
            ],
            "indicators": [
                {"code": "hostile_sign", "en": make("indicator.en"),
                 "ro": make("indicator.ro"), "ilo": "deception"}
            ],
        }
    }  # fmt: skip
    _hostile_order(data, make)
    cache = {" ".join(address.lower().split()): [51.6001, -0.2602]}
    return data, cache


def _contact(make: Callable[[str], str], tag: str) -> dict[str, str]:
    return {"name": make(f"{tag}.name"), "role": make(f"{tag}.role"),
            "contact": make(f"{tag}.contact")}  # fmt: skip


def _hostile_order(data: dict[str, Any], make: Callable[[str], str]) -> None:
    """Every free text of the operation order hostile: marking, intent, command, meetings,
    risk, communications, support and humanitarian issues, each team's radio."""
    data["marking"] = make("marking")
    data["intent"] = {"aim": make("intent.aim"), "objectives": [make("intent.objective")]}
    data["command"] = {"strategic": _contact(make, "command.strategic"),
                       "operational": [_contact(make, "command.operational")]}  # fmt: skip
    data["briefing"] = {"at": "06:30", "room": make("briefing.room")}
    data["debrief"] = {"at": "23:00", "room": make("debrief.room")}
    assessment = {"level": "high", "hazards": [make("risk.hazard")],
                  "controls": [make("risk.control")]}  # fmt: skip
    data["risk"] = {"general": assessment, "venue_types": {"church": assessment}}
    data["communications"] = {"talk_group": make("comms.talk_group"),
                              "control_room": _contact(make, "comms.control_room"),
                              "notes": [make("comms.note")]}  # fmt: skip
    day = str(data["operation"]["start"])
    data["support"] = {
        "safeguarding": [_contact(make, "support.safeguarding")],
        "interpreters": [_contact(make, "support.interpreter")],
        "interpreter_bookings": [{"date": day, "language": make("booking.language"),
                                  "interpreter": make("booking.interpreter"),
                                  "contact": make("booking.contact")}],
    }  # fmt: skip
    data["humanitarian"] = {"reception_centre": make("humanitarian.reception_centre"),
                            "emergency_accommodation": make("humanitarian.accommodation"),
                            "safe_words": [make("humanitarian.safe_word")],
                            "notes": [make("humanitarian.note")]}  # fmt: skip
    for i, team in enumerate(data["teams"]):
        team["radio"] = make(f"team{i}.radio")


@dataclass
class PageFindings:
    """What a page did while it was open: nothing here may come from data."""

    calls: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    injected: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    policy: str | None = None
    title: str = ""
    text: str = ""


#: Runs before the page's own scripts: records every element with a marker id ever added
#: (an element a popup adds and removes again counts) and every CSP violation.
WATCH = r"""
(() => {
  window.__fkInjected = [];
  window.__fkViolations = [];
  const marked = (node) => {
    if (node.nodeType !== 1) return;
    for (const el of [node, ...node.querySelectorAll("[id]")]) {
      if (/^fk-[xsv]-/.test(el.id)) window.__fkInjected.push(el.tagName + "#" + el.id);
    }
  };
  new MutationObserver((records) => {
    for (const r of records) r.addedNodes.forEach(marked);
  }).observe(document, {childList: true, subtree: true});
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__fkViolations.push(e.violatedDirective + " " + e.blockedURI);
  });
})();
"""

#: Opens every layer of a folium map, then every popup and tooltip, so lazy content is drawn.
OPEN_EVERYTHING = r"""
async () => {
  for (const box of document.querySelectorAll(".leaflet-control-layers-selector")) {
    if (!box.checked) box.click();
  }
  const map = Object.keys(window).filter((k) => k.startsWith("map_")).map((k) => window[k])
    .find((v) => v && typeof v.eachLayer === "function");
  let opened = 0;
  const layers = [];
  map.eachLayer((layer) => layers.push(layer));
  for (const layer of layers) {
    if (layer.getPopup && layer.getPopup()) { layer.openPopup(); opened++; }
    if (layer.getTooltip && layer.getTooltip()) { layer.openTooltip(); opened++; }
    await new Promise((r) => setTimeout(r, 0));
  }
  return opened;
}
"""


@contextmanager
def opened(browser: Any, path: Path, is_map: bool = False) -> Iterator[tuple[Any, PageFindings]]:
    """A generated page open with the network blocked, watched from before its first script."""
    found = PageFindings()
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    local = ("file:", "data:", "blob:")

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(local):
            request_route.continue_()
        else:
            found.blocked.append(url)
            request_route.abort()

    def dialog(d: Any) -> None:
        found.dialogs.append(d.message)
        d.dismiss()

    page.route("**/*", route)
    page.expose_function("__pwned", lambda tag: found.calls.append(str(tag)))
    page.add_init_script(WATCH)
    page.on("dialog", dialog)
    page.on("pageerror", lambda exc: found.errors.append(str(exc)))
    try:
        page.goto(path.resolve().as_uri(), wait_until="load")
        if is_map:
            page.wait_for_selector(".leaflet-control-layers")
        yield page, found
    finally:
        page.close()


def collect(page: Any, found: PageFindings) -> PageFindings:
    """Fill in what the page did so far (after letting handlers of anything injected fire)."""
    page.wait_for_timeout(300)
    found.injected = list(page.evaluate("window.__fkInjected"))
    found.injected += page.evaluate(
        "[...document.querySelectorAll('[id]')].map((e) => e.id)"
        ".filter((id) => /^fk-[xsv]-/.test(id))"
    )
    found.violations = list(page.evaluate("window.__fkViolations"))
    found.policy = page.evaluate(
        "(document.querySelector('meta[http-equiv=\"Content-Security-Policy\" i]') || {})"
        ".content || null"
    )
    found.title = page.title()
    found.text = page.evaluate("document.body.innerText")
    return found


def inspect_page(browser: Any, path: Path, is_map: bool = False) -> PageFindings:
    """Open a generated page (a map with every layer, popup and tooltip open) and report."""
    with opened(browser, path, is_map) as (page, found):
        if is_map:
            assert page.evaluate(OPEN_EVERYTHING) > 0
        return collect(page, found)


def assert_safe(found: PageFindings) -> None:
    """Nothing ran, nothing was injected, the page carries a strict policy it keeps to."""
    assert found.calls == [], f"script from data ran: {found.calls}"
    assert found.dialogs == [], f"script from data opened dialogs: {found.dialogs}"
    assert found.injected == [], f"markup from data became elements: {found.injected}"
    assert found.policy, "the page has no Content-Security-Policy meta element"
    assert "default-src 'none'" in found.policy
    assert "'unsafe-inline'" not in found.policy and "'unsafe-eval'" not in found.policy
    assert found.violations == [], f"the page breaks its own policy: {found.violations}"
