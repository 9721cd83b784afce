"""The base of every request body: unknown fields are refused (a typo is a 422, not ignored)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ApiModel(BaseModel):
    # defer_build (here and on every HTTP model): a validator is built on first use, so a cold
    # start builds the models of the route it serves, not those of every route of the function
    model_config = ConfigDict(defer_build=True, extra="forbid")
