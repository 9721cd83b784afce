"""Demo data: stores in real Dutch cities, a warehouse, a pickup point and two dozen SKUs, each
a variant of a product in the catalog (Dutch and English names, prices, a running promotion,
accessories and look-alikes).

Written through the same domain calls the API uses (an ERP snapshot, in effect), so the
stream publishes StockChanged for every seeded level. Seeding twice changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime

from shared import wiring
from shared.catalog import service as catalog_service
from shared.catalog.model import PricePoint, PriceSchedule, Product, Promotion, Text, Variant
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
PRICED_FROM = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Demo:
    category: str
    name: Text
    description: Text
    colour: Text
    price_cents: int
    accessories: tuple[str, ...] = ()
    similar: tuple[str, ...] = ()
    material: str = ""


DEMO_PRODUCTS = {
    "JKT-RAIN-NAVY": Demo("jackets", Text("Regenjas navy", "Rain jacket navy"),
                          Text("Waterdichte jas met capuchon en getapete naden.",
                               "Waterproof hooded jacket with taped seams."),
                          Text("navy", "navy"), 8999, ("SCF-KNIT-RED", "BAG-CANVAS-OLIVE"), ("SWT-WOOL-GREY",),
                          "polyester"),
    "SNK-RUN-WHITE": Demo("sneakers", Text("Hardloopschoen wit", "Running shoe white"),
                          Text("Lichte hardloopschoen met gedempte zool.", "Light running shoe with a cushioned sole."),
                          Text("wit", "white"), 7999, ("SOCK-3PK-MIX",), (), "mesh"),
    "JNS-SLIM-BLUE": Demo("jeans", Text("Slim fit jeans blauw", "Slim fit jeans blue"),
                          Text("Stretchdenim met een smalle pijp.", "Stretch denim with a slim leg."),
                          Text("blauw", "blue"), 6999, ("TEE-BASIC-BLACK", "SOCK-3PK-MIX"), (), "denim"),
    "SWT-WOOL-GREY": Demo("knitwear", Text("Wollen trui grijs", "Wool sweater grey"),
                          Text("Warme trui van merinowol.", "Warm merino wool sweater."),
                          Text("grijs", "grey"), 5999, ("SCF-KNIT-RED", "TEE-BASIC-BLACK"), ("JKT-RAIN-NAVY",), "wool"),
    "TEE-BASIC-BLACK": Demo("t-shirts", Text("Basic T-shirt zwart", "Basic T-shirt black"),
                            Text("Zacht T-shirt van biologisch katoen.", "Soft organic cotton T-shirt."),
                            Text("zwart", "black"), 1499, ("SOCK-3PK-MIX",), ("SWT-WOOL-GREY",), "cotton"),
    "BAG-CANVAS-OLIVE": Demo("bags", Text("Canvas tas olijfgroen", "Canvas bag olive"),
                             Text("Stevige schoudertas met binnenvak.", "Sturdy shoulder bag with an inner pocket."),
                             Text("olijfgroen", "olive"), 3499, ("SCF-KNIT-RED",), (), "canvas"),
    "SCF-KNIT-RED": Demo("scarves", Text("Gebreide sjaal rood", "Knitted scarf red"),
                         Text("Lange sjaal van zachte wol.", "Long scarf of soft wool."),
                         Text("rood", "red"), 2499, (), ("SWT-WOOL-GREY",), "wool"),
    "SOCK-3PK-MIX": Demo("socks", Text("Sokken 3-pack", "Socks 3-pack"),
                         Text("Drie paar katoenen sokken in gemengde kleuren.",
                              "Three pairs of cotton socks, mixed colours."),
                         Text("gemengd", "mixed"), 1299, (), (), "cotton"),
}
PROMOTIONS = [
    Promotion(promotion_id="winter-scarves", name=Text("20% korting op sjaals", "20% off scarves"),
              starts_at=datetime(2026, 1, 1, tzinfo=UTC), ends_at=datetime(2031, 1, 1, tzinfo=UTC), percent_off=20,
              categories=frozenset({"scarves"})),
]


def demo_products() -> list[Product]:
    return [Product(
        product_id=model, name=demo.name, description=demo.description, category=demo.category,
        vat_rate_percent=21, variants=tuple(Variant(f"{model}-{size}", (("colour", demo.colour.en), ("size", size)))
                                            for size in PRODUCTS[model]),
        attributes=(("material", demo.material),) if demo.material else (),
        images=(f"https://images.example.nl/{model.lower()}/front.jpg",
                f"https://images.example.nl/{model.lower()}/back.jpg"),
        accessories=demo.accessories, similar=demo.similar) for model, demo in DEMO_PRODUCTS.items()]


def seed_catalog(erp: Caller) -> int:
    """Products, prices and the promotion, as the ERP would import them (version 1: again is a no-op)."""
    prices = [(f"{model}-{size}", PriceSchedule((PricePoint(demo.price_cents, PRICED_FROM),), version=1))
              for model, demo in DEMO_PRODUCTS.items() for size in PRODUCTS[model]]
    outcomes = catalog_service.import_batch(writer=wiring.catalog(), caller=erp, products=demo_products(),
                                            prices=prices, promotions=PROMOTIONS)
    return sum(outcome.kind == "product" for outcome in outcomes)


def seed() -> dict[str, int]:
    store, directory = wiring.stock_store(), wiring.location_directory()
    for location in LOCATIONS:
        wiring.location_store().put(location)
    directory.invalidate()
    erp = Caller(role="integration", subject="seed")
    products = seed_catalog(erp)
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
    return {"locations": len(LOCATIONS), "products": products, "skus": len(SKUS), "stock_levels": levels}
