"""Runtime settings from the environment, parsed once and lazily (nothing happens at import)."""

from __future__ import annotations

import os
from functools import cache

from pydantic import BaseModel, Field


class Settings(BaseModel):
    table_name: str = Field(min_length=1)
    event_bus_name: str = "retail"
    idempotency_ttl_days: int = 7
    cursor_secret: str = ""  # signs list cursors (HMAC); set per deployment


@cache
def settings() -> Settings:
    return Settings(
        table_name=os.environ.get("TABLE_NAME", ""),
        event_bus_name=os.environ.get("EVENT_BUS_NAME", "retail"),
        cursor_secret=os.environ.get("CURSOR_SECRET", ""),
    )
