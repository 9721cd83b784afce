"""What this system tells a carrier and hears back (pure: no I/O).

No names or addresses leave for the carrier here: a destination is a location or a postcode.
A parcel goes CREATED -> IN_TRANSIT -> DELIVERED (a real carrier may say FAILED instead); the
steps are data, so the sandbox carrier and its fake advance a parcel by the same rules.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from shared.errors import InvalidRequest


class ParcelStatus(StrEnum):
    CREATED = "CREATED"
    IN_TRANSIT = "IN_TRANSIT"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


# The steps a parcel takes, in order; after the last it is done (nothing is due any more).
STEPS = (ParcelStatus.CREATED, ParcelStatus.IN_TRANSIT, ParcelStatus.DELIVERED)
_DESTINATION = re.compile(r"^(location:[A-Za-z0-9_-]{1,64}|postcode:[1-9][0-9]{3} ?[A-Z]{2})$")


def next_status(status: ParcelStatus) -> ParcelStatus | None:
    """The step after ``status``; None when the parcel is done (delivered, failed)."""
    if status not in STEPS or status is STEPS[-1]:
        return None
    return STEPS[STEPS.index(status) + 1]


def previous_status(status: ParcelStatus) -> ParcelStatus | None:
    """The step a parcel must be at for ``status`` to come next (None: the first step)."""
    return STEPS[STEPS.index(status) - 1] if status in STEPS and status is not STEPS[0] else None


def due_after(update: StatusUpdate, step: timedelta) -> datetime | None:
    """When the step after ``update`` is due: a step later; None when it was the last."""
    return update.occurred_at + step if next_status(update.status) is not None else None


@dataclass(frozen=True)
class ShipmentRequest:
    """``destination`` is ``location:<id>`` or ``postcode:<1234 AB>``."""

    shipment_id: str
    source_id: str
    destination: str

    def __post_init__(self) -> None:
        if not self.shipment_id or not self.source_id:
            raise InvalidRequest("A shipment needs an id and a source.", field="shipment_id")
        if not _DESTINATION.match(self.destination):
            raise InvalidRequest("A shipment goes to location:<id> or postcode:<1234 AB>.", field="destination")


@dataclass(frozen=True)
class Label:
    carrier: str
    tracking_number: str
    tracking_url: str


@dataclass(frozen=True)
class StatusUpdate:
    """What a carrier says happened to a parcel; ``event_id`` is the same whenever it says it again."""

    carrier: str
    tracking_number: str
    status: ParcelStatus
    occurred_at: datetime
    event_id: str


def tracking_number(prefix: str, shipment_id: str) -> str:
    """The same shipment always gets the same number: creating it again gives the same label."""
    return prefix + hashlib.sha256(shipment_id.encode()).hexdigest()[:12].upper()


@dataclass(frozen=True)
class Parcel:
    """A parcel as a simulated carrier keeps it: where it is, and when its next step is due."""

    carrier: str
    shipment_id: str
    tracking_number: str
    tracking_url: str
    source_id: str
    destination: str
    status: ParcelStatus
    created_at: datetime
    due_at: datetime | None  # when the next step happens; None when there is none

    @property
    def label(self) -> Label:
        return Label(carrier=self.carrier, tracking_number=self.tracking_number, tracking_url=self.tracking_url)

    def next_update(self) -> StatusUpdate | None:
        """The next step as the carrier reports it, happening at its due time."""
        following = next_status(self.status)
        if following is None or self.due_at is None:
            return None
        return StatusUpdate(carrier=self.carrier, tracking_number=self.tracking_number, status=following,
                            occurred_at=self.due_at, event_id=f"{self.carrier}:{self.tracking_number}:{following}")

    def advanced(self, update: StatusUpdate, step: timedelta) -> Parcel | None:
        """The parcel after ``update``; None when it is not the step that comes next (done already)."""
        if update.tracking_number != self.tracking_number or next_status(self.status) is not update.status:
            return None
        return replace(self, status=update.status, due_at=due_after(update, step))


def new_parcel(*, carrier: str, request: ShipmentRequest, tracking_url: str, prefix: str, at: datetime,
               step: timedelta) -> Parcel:
    number = tracking_number(prefix, request.shipment_id)
    return Parcel(carrier=carrier, shipment_id=request.shipment_id, tracking_number=number,
                  tracking_url=tracking_url + number, source_id=request.source_id,
                  destination=request.destination, status=STEPS[0], created_at=at, due_at=at + step)
