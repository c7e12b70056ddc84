"""Playbooks: YAML operation templates, validated, with every problem located (FILE:LINE:COL)."""

from fieldkit.playbook.load import check_playbook, load_playbook, load_text
from fieldkit.playbook.models import Activity, Operation, Person, Playbook, Team, Venue, Window
from fieldkit.playbook.problems import PlaybookError, Problem
from fieldkit.playbook.schema import playbook_schema, schema_json

__all__ = [
    "Activity",
    "Operation",
    "Person",
    "Playbook",
    "PlaybookError",
    "Problem",
    "Team",
    "Venue",
    "Window",
    "check_playbook",
    "load_playbook",
    "load_text",
    "playbook_schema",
    "schema_json",
]
