"""The local system moves the sandbox carrier's parcels on by itself: its sweeper runs every few
seconds and CARRIER_STEP_SECONDS makes each step seconds long, so a parcel is delivered while you watch."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.sandbox_carrier import CARRIER, PREFIX, TRACKING_URL, parcel_from_item, parcel_to_item
from shared.carriers.model import ParcelStatus, ShipmentRequest, new_parcel
from tests.e2e.conftest import Running
from tests.names import Names

unique = Names("carrier")
pytestmark = pytest.mark.e2e
SHIPPED_AT = datetime(2026, 1, 5, 10, tzinfo=UTC)  # past: every step is due at once, one per sweep


def test_a_parcel_shipped_on_the_local_system_is_delivered_a_few_sweeps_later(system: Running) -> None:
    db = system.aws("dynamodb")
    request = ShipmentRequest(shipment_id=unique("ord") + ":f1", source_id="utrecht-oudegracht",
                              destination="location:amsterdam-kalverstraat")
    parcel = new_parcel(carrier=CARRIER, request=request, tracking_url=TRACKING_URL, prefix=PREFIX, at=SHIPPED_AT,
                        step=timedelta(seconds=2))
    db.put_item(TableName="retail", Item=parcel_to_item(parcel))  # as SandboxCarrier.create_shipment writes it
    key = {"pk": {"S": f"PARCEL#{parcel.tracking_number}"}, "sk": {"S": "#"}}
    seen: list[ParcelStatus] = []
    for _ in range(60):  # two sweeps (every 5 s locally), with room for a slow machine
        stored = parcel_from_item(db.get_item(TableName="retail", Key=key, ConsistentRead=True)["Item"])
        if not seen or seen[-1] is not stored.status:
            seen.append(stored.status)
        if stored.status is ParcelStatus.DELIVERED:
            break
        time.sleep(0.5)
    assert seen[-1] is ParcelStatus.DELIVERED, seen
    assert set(seen) <= {ParcelStatus.CREATED, ParcelStatus.IN_TRANSIT, ParcelStatus.DELIVERED}
    assert stored.due_at is None
