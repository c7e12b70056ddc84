"""The playbook JSON Schema, for editors (yaml-language-server) and `fieldkit playbook schema`."""

from __future__ import annotations

import json
from typing import Any

from fieldkit.codes import load_codes
from fieldkit.playbook.models import Playbook

SCHEMA_ID = "https://fieldkit.invalid/playbook.schema.json"


def playbook_schema() -> dict[str, Any]:
    schema = Playbook.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "fieldkit playbook"
    codes = load_codes()
    # Suggest the kit's codes in editors; playbooks may add their own, so these are examples.
    defs = schema.get("$defs", {})
    hints = {
        ("Venue", "type"): codes.venue_types.ids,
        ("Person", "agency"): codes.partners.ids,
    }
    for (model, field), ids in hints.items():
        prop = defs.get(model, {}).get("properties", {}).get(field)
        if prop is not None:
            prop["examples"] = ids
    return schema


def schema_json() -> str:
    return json.dumps(playbook_schema(), indent=2, ensure_ascii=False) + "\n"
