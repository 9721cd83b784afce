"""Runtime settings from the environment, parsed once and lazily (nothing happens at import)."""

from __future__ import annotations

import os
from datetime import timedelta
from functools import cache
from typing import Any

from pydantic import BaseModel, Field

from infra.topology import REDELIVERY

DAY = 24 * 3600


class Settings(BaseModel):
    table_name: str = Field(min_length=1)
    event_bus_name: str = "retail"
    # as long as a request or event can come back (DLQ redrive, archive replay): see Redelivery
    idempotency_ttl_days: int = REDELIVERY.dedupe_days
    cursor_secret: str = ""  # signs list cursors (HMAC); set per deployment
    # customer messages, per deployment: the account page, the webshop, and when to ask for a review
    account_url: str = "https://shop.example.nl/account"
    webshop_url: str = "https://shop.example.nl"
    review_after_seconds: int = Field(default=7 * DAY, ge=0)
    # the sandbox carrier: how long each step of a parcel takes (the local system makes it seconds)
    carrier_step_seconds: int = Field(default=3600, ge=1)

    @property
    def review_after(self) -> timedelta:
        return timedelta(seconds=self.review_after_seconds)

    @property
    def carrier_step(self) -> timedelta:
        return timedelta(seconds=self.carrier_step_seconds)


@cache
def settings() -> Settings:
    return Settings(
        table_name=os.environ.get("TABLE_NAME", ""),
        event_bus_name=os.environ.get("EVENT_BUS_NAME", "retail"),
        cursor_secret=os.environ.get("CURSOR_SECRET", ""),
        **_message_settings(),
        **_carrier_settings(),
    )


def _message_settings() -> dict[str, Any]:
    """Only what the environment sets: REVIEW_AFTER_DAYS per deployment, REVIEW_AFTER_SECONDS
    (taking precedence) where a test cannot wait days."""
    given: dict[str, Any] = {key: os.environ[name] for key, name in
                             (("account_url", "ACCOUNT_URL"), ("webshop_url", "WEBSHOP_URL")) if os.environ.get(name)}
    if os.environ.get("REVIEW_AFTER_SECONDS"):
        given["review_after_seconds"] = int(os.environ["REVIEW_AFTER_SECONDS"])
    elif os.environ.get("REVIEW_AFTER_DAYS"):
        given["review_after_seconds"] = int(float(os.environ["REVIEW_AFTER_DAYS"]) * DAY)
    return given


def _carrier_settings() -> dict[str, Any]:
    """CARRIER_STEP_SECONDS where the sandbox carrier's parcels must travel faster (the local system)."""
    step = os.environ.get("CARRIER_STEP_SECONDS")
    return {"carrier_step_seconds": int(step)} if step else {}
