"""The base of every request body: unknown fields are refused (a typo is a 422, not ignored)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from events.patterns import LOCATION_PATTERN


class ApiModel(BaseModel):
    # defer_build (here and on every HTTP model): a validator is built on first use, so a cold
    # start builds the models of the route it serves, not those of every route of the function
    model_config = ConfigDict(defer_build=True, extra="forbid")


class PickupDestinationBody(ApiModel):
    """Collect at a store or pickup point (options and orders alike)."""

    type: Literal["pickup"]
    location_id: str = Field(pattern=LOCATION_PATTERN, description="The store or pickup point to collect at")
