"""Runtime settings from the environment, parsed once and lazily (nothing happens at import)."""

from __future__ import annotations

import os
from functools import cache

from pydantic import BaseModel, Field

from infra.topology import REDELIVERY


class Settings(BaseModel):
    table_name: str = Field(min_length=1)
    event_bus_name: str = "retail"
    # as long as a request or event can come back (DLQ redrive, archive replay): see Redelivery
    idempotency_ttl_days: int = REDELIVERY.dedupe_days
    cursor_secret: str = ""  # signs list cursors (HMAC); set per deployment
    account_url: str = ""  # the customer's account pages (webshop); links in messages and on cards


@cache
def settings() -> Settings:
    return Settings(
        table_name=os.environ.get("TABLE_NAME", ""),
        event_bus_name=os.environ.get("EVENT_BUS_NAME", "retail"),
        cursor_secret=os.environ.get("CURSOR_SECRET", ""),
        account_url=os.environ.get("ACCOUNT_URL", ""),
    )
