"""Demo data: stores in real Dutch cities, a warehouse, a pickup point and two dozen SKUs.

Written through the same domain calls the API uses (an ERP snapshot, in effect), so the
stream publishes StockChanged for every seeded level. Seeding twice changes nothing.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from shared import wiring
from shared.identity import Caller
from shared.locations.model import Address, Coordinates, Location, LocationType, Service
from shared.stock import service

_ALL = frozenset(Service)
_STORE = frozenset({Service.CLICK_AND_COLLECT, Service.RESERVATIONS, Service.RETURNS})

LOCATIONS = [
    Location(location_id="amsterdam-kalverstraat", name="Amsterdam Kalverstraat", type=LocationType.STORE,
             address=Address(street="Kalverstraat 92", postal_code="1012 PH", city="Amsterdam"),
             coordinates=Coordinates(lat=52.3709, lon=4.8914), services=_ALL),
    Location(location_id="utrecht-oudegracht", name="Utrecht Oudegracht", type=LocationType.STORE,
             address=Address(street="Oudegracht 150", postal_code="3511 AZ", city="Utrecht"),
             coordinates=Coordinates(lat=52.0894, lon=5.1197), services=_ALL),
    Location(location_id="rotterdam-lijnbaan", name="Rotterdam Lijnbaan", type=LocationType.STORE,
             address=Address(street="Lijnbaan 65", postal_code="3012 EL", city="Rotterdam"),
             coordinates=Coordinates(lat=51.9198, lon=4.4752), services=_STORE),
    Location(location_id="den-haag-spuistraat", name="Den Haag Spuistraat", type=LocationType.STORE,
             address=Address(street="Spuistraat 36", postal_code="2511 BE", city="Den Haag"),
             coordinates=Coordinates(lat=52.0780, lon=4.3118), services=_STORE),
    Location(location_id="eindhoven-demer", name="Eindhoven Demer", type=LocationType.STORE,
             address=Address(street="Demer 21", postal_code="5611 AS", city="Eindhoven"),
             coordinates=Coordinates(lat=51.4389, lon=5.4776), services=_STORE),
    Location(location_id="groningen-herestraat", name="Groningen Herestraat", type=LocationType.STORE,
             address=Address(street="Herestraat 60", postal_code="9711 LM", city="Groningen"),
             coordinates=Coordinates(lat=53.2160, lon=6.5670), services=_STORE, language="nl"),
    Location(location_id="dc-tilburg", name="Distributiecentrum Tilburg", type=LocationType.WAREHOUSE,
             address=Address(street="Kraaivenstraat 19", postal_code="5048 AB", city="Tilburg"),
             coordinates=Coordinates(lat=51.5830, lon=5.0520),
             services=frozenset({Service.SHIP_FROM_STORE, Service.RETURNS}), low_stock_threshold=20),
    Location(location_id="pickup-utrecht-centraal", name="Afhaalpunt Utrecht Centraal",
             type=LocationType.PICKUP_POINT,
             address=Address(street="Stationshal 17", postal_code="3511 CE", city="Utrecht"),
             coordinates=Coordinates(lat=52.0893, lon=5.1100),
             services=frozenset({Service.CLICK_AND_COLLECT}), pickup_hold_hours=72),
]

PRODUCTS = {
    "JKT-RAIN-NAVY": ("M", "L", "XL"),
    "SNK-RUN-WHITE": ("41", "42", "43", "44"),
    "JNS-SLIM-BLUE": ("30-32", "32-32", "34-32"),
    "SWT-WOOL-GREY": ("S", "M", "L"),
    "TEE-BASIC-BLACK": ("S", "M", "L", "XL"),
    "BAG-CANVAS-OLIVE": ("OS",),
    "SCF-KNIT-RED": ("OS",),
    "SOCK-3PK-MIX": ("39-42", "43-46"),
}
SKUS = [f"{model}-{size}" for model, sizes in PRODUCTS.items() for size in sizes]
SNAPSHOT_AS_OF = datetime(2026, 1, 1, 6, 0, tzinfo=UTC)


def seed() -> dict[str, int]:
    store, directory = wiring.stock_store(), wiring.location_directory()
    for location in LOCATIONS:
        wiring.location_store().put(location)
    directory.invalidate()
    erp = Caller(role="integration", subject="seed")
    rng = random.Random(2026)
    levels = 0
    for location in LOCATIONS:
        if location.type is LocationType.PICKUP_POINT:
            continue  # a pickup point holds only what is sent there for customers
        for sku in SKUS:
            on_hand = rng.choice([0, 1, 2, 3, 5, 8, 12]) * (10 if location.type is LocationType.WAREHOUSE else 1)
            service.record_count(store=store, transactions=wiring.transactions(), directory=directory, caller=erp,
                                 sku=sku, location_id=location.location_id, on_hand=on_hand, as_of=SNAPSHOT_AS_OF,
                                 idempotency_key=f"seed-{sku}-{location.location_id}", source="seed")
            levels += 1
    return {"locations": len(LOCATIONS), "skus": len(SKUS), "stock_levels": levels}
