"""The base of every playbook section: unknown keys are mistakes, values are frozen."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """Every playbook section: unknown keys are mistakes, not silently ignored."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)
