"""Store devices on fakes: who may register, list and forget a store's devices, and what
a store's devices and live feeds receive for one event (once each, whatever happens)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import pytest

from shared.catalog.model import PricePoint, PriceSchedule
from shared.devices import service
from shared.devices.model import Device, Platform, StoreMessage
from shared.errors import Forbidden, InvalidCursor, InvalidRequest, NotFound
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.locations.model import Address, Coordinates, Location, LocationType
from shared.orders.model import Contact, Order, OrderLine, OrderStatus, Payment
from shared.stock import service as stock_service
from shared.stock.model import ChangeKind
from tests.fakes.catalog import ALWAYS, MemoryCatalog, product_for
from tests.fakes.catalog_browsing import MemoryBoughtTogether
from tests.fakes.devices import MemoryDeviceStore, MemoryFeed, MemoryPushService, Once
from tests.fakes.locations import MemoryLocationStore
from tests.fakes.orders import MemoryOrderStore
from tests.fakes.stock import MemoryStockStore
from tests.fakes.transaction import MemoryTransactions
from tests.names import Names

UTRECHT, ROTTERDAM, CLOSED = "utrecht-oudegracht", "rotterdam-lijnbaan", "closed-store"
ADMIN = Caller(role="admin", subject="head-office")
ERP = Caller(role="integration", subject="erp")
CUSTOMER = Caller(role="customer", subject="c-1")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def staff(location_id: str) -> Caller:
    return Caller(role="staff", subject=f"staff-{location_id}", location_id=location_id)


def a_location(location_id: str, *, active: bool = True) -> Location:
    return Location(location_id=location_id, name=location_id, type=LocationType.STORE, active=active,
                    address=Address(street="Straat 1", postal_code="1234 AB", city="Utrecht"),
                    coordinates=Coordinates(lat=52.09, lon=5.12))


@dataclass
class Shop:
    """A world of fakes: two open stores and a closed one, nothing registered yet."""

    devices: MemoryDeviceStore = field(default_factory=MemoryDeviceStore)
    push: MemoryPushService = field(default_factory=MemoryPushService)
    feed: MemoryFeed = field(default_factory=MemoryFeed)
    stock: MemoryStockStore = field(default_factory=MemoryStockStore)
    catalog: MemoryCatalog = field(default_factory=MemoryCatalog)
    together: MemoryBoughtTogether = field(default_factory=MemoryBoughtTogether)
    names: Names = field(default_factory=lambda: Names("devices"))
    directory: LocationDirectory = field(init=False)

    def __post_init__(self) -> None:
        locations = MemoryLocationStore()
        for location in (a_location(UTRECHT), a_location(ROTTERDAM), a_location(CLOSED, active=False)):
            locations.put(location)
        self.directory = LocationDirectory(locations)

    def register(self, location_id: str, *, token: str | None = None, caller: Caller | None = None,
                 platform: Platform = Platform.FCM) -> tuple[Device, bool]:
        return service.register(store=self.devices, push=self.push, directory=self.directory,
                                caller=caller or staff(location_id), location_id=location_id, platform=platform,
                                token=token or self.names("token"), name="kassa")

    def connect(self, location_id: str) -> str:
        connection_id = self.names("connection")
        service.connect(store=self.devices, caller=staff(location_id), location_id=location_id,
                        connection_id=connection_id)
        return connection_id

    def tell(self, message: StoreMessage, once: Once) -> dict[str, int]:
        return service.tell_store(store=self.devices, push=self.push, feed=self.feed, message=message, once=once)

    def sells(self, product_id: str, skus: list[str], *, accessories: tuple[str, ...] = ()) -> None:
        """A product of these SKUs, each at 10 euro."""
        self.catalog.upsert_product(replace(product_for(skus, product_id=product_id), accessories=accessories))
        for sku in skus:
            self.catalog.set_prices(sku, PriceSchedule((PricePoint(1000, ALWAYS),), version=1))

    def receive(self, sku: str, location_id: str, quantity: int, kind: ChangeKind = ChangeKind.RECEIPT) -> None:
        stock_service.record_change(store=self.stock, transactions=MemoryTransactions(), directory=self.directory,
                                    caller=ERP, sku=sku, location_id=location_id, kind=kind,
                                    quantity=quantity, idempotency_key=self.names(), source="test")


@pytest.fixture
def shop() -> Shop:
    return Shop()


def order_placed_at(location_id: str) -> StoreMessage:
    return StoreMessage(title="Nieuwe click & collect-bestelling", body="AB12CD34: 1 x JKT-1.", kind="OrderPlaced",
                        link="/orders/ab12cd34", location_id=location_id)


# -- register, rotate, list, unregister ---------------------------------------------------------


def test_staff_register_a_device_of_their_own_store(shop: Shop) -> None:
    # when
    device, created = shop.register(UTRECHT)
    # then
    assert created
    assert device.location_id == UTRECHT and device.platform is Platform.FCM and device.name == "kassa"
    assert shop.devices.get_device(device.device_id) == device
    assert device.endpoint_arn in shop.push.endpoints


def test_registering_the_same_token_again_is_the_same_device_and_creates_nothing(shop: Shop) -> None:
    """Apps re-register on every start: the second time is answered with the first device."""
    # given
    first, _ = shop.register(UTRECHT, token="token-1")
    # when
    again, created = shop.register(UTRECHT, token="token-1")
    # then
    assert not created and again == first
    assert len(shop.push.endpoints) == 1 and len(shop.devices.devices) == 1


def test_the_same_token_on_another_platform_or_store_is_another_device(shop: Shop) -> None:
    # given
    ios, _ = shop.register(UTRECHT, token="token-1", platform=Platform.APNS)
    # when
    android, created_android = shop.register(UTRECHT, token="token-1", platform=Platform.FCM)
    elsewhere, created_elsewhere = shop.register(ROTTERDAM, token="token-1", caller=ADMIN)
    # then
    assert created_android and created_elsewhere
    assert len({ios.device_id, android.device_id, elsewhere.device_id}) == 3


def test_a_rotated_token_is_a_new_device_and_the_old_one_is_forgotten_when_its_endpoint_is_gone(shop: Shop) -> None:
    """The push provider gives the app a new token: it registers again; the old endpoint, once
    the provider disables it, is removed on the next message instead of failing forever."""
    # given
    old, _ = shop.register(UTRECHT, token="token-before")
    new, created = shop.register(UTRECHT, token="token-after")
    shop.push.disabled.add(old.endpoint_arn)
    # when
    counts = shop.tell(order_placed_at(UTRECHT), Once("event-1"))
    # then
    assert created and new.device_id != old.device_id
    assert counts == {"pushed": 1, "posted": 0, "removed": 1, "failed": 0}
    assert shop.devices.get_device(old.device_id) is None
    assert len(shop.push.to(new)) == 1


def test_head_office_and_integrations_register_for_any_store(shop: Shop) -> None:
    # when
    _, by_admin = shop.register(ROTTERDAM, caller=ADMIN)
    _, by_erp = shop.register(ROTTERDAM, caller=ERP)
    # then
    assert by_admin and by_erp


@pytest.mark.parametrize("caller", [staff(ROTTERDAM), CUSTOMER, Caller(role="public")],
                         ids=["staff-of-another-store", "customer", "public"])
def test_nobody_else_registers_and_for_them_the_store_does_not_exist(shop: Shop, caller: Caller) -> None:
    # when / then
    with pytest.raises(NotFound):
        shop.register(UTRECHT, caller=caller)
    assert shop.devices.devices == {} and shop.push.endpoints == {}


def test_a_closed_or_unknown_store_registers_no_device(shop: Shop) -> None:
    # when / then
    for location_id in (CLOSED, "nowhere"):
        with pytest.raises(NotFound):
            shop.register(location_id, caller=ADMIN)
    assert shop.push.endpoints == {}


def test_a_store_lists_only_its_own_devices_page_by_page(shop: Shop) -> None:
    # given
    mine = {shop.register(UTRECHT)[0].device_id for _ in range(3)}
    shop.register(ROTTERDAM)
    # when
    first, cursor = service.devices(store=shop.devices, caller=staff(UTRECHT), location_id=UTRECHT, limit=2)
    rest, end = service.devices(store=shop.devices, caller=staff(UTRECHT), location_id=UTRECHT, limit=2,
                                cursor=cursor)
    # then
    assert len(first) == 2 and cursor is not None and len(rest) == 1 and end is None
    assert {d.device_id for d in first + rest} == mine


def test_staff_of_another_store_cannot_list_its_devices(shop: Shop) -> None:
    # given
    shop.register(UTRECHT)
    # when / then
    with pytest.raises(NotFound):
        service.devices(store=shop.devices, caller=staff(ROTTERDAM), location_id=UTRECHT)


def test_a_cursor_not_given_out_for_the_list_is_refused(shop: Shop) -> None:
    # when / then
    with pytest.raises(InvalidCursor):
        service.devices(store=shop.devices, caller=staff(UTRECHT), location_id=UTRECHT, cursor="forged")


def test_unregistering_forgets_the_device_and_deletes_its_endpoint(shop: Shop) -> None:
    # given
    device, _ = shop.register(UTRECHT)
    # when
    service.unregister(store=shop.devices, push=shop.push, caller=staff(UTRECHT), location_id=UTRECHT,
                       device_id=device.device_id)
    # then
    assert shop.devices.get_device(device.device_id) is None
    assert device.endpoint_arn not in shop.push.endpoints


def test_a_device_is_unregistered_only_through_its_own_store(shop: Shop) -> None:
    """Another store's device, or one that does not exist, is not found: nothing is deleted."""
    # given
    device, _ = shop.register(UTRECHT)
    # when / then
    with pytest.raises(NotFound):  # named through another store, by that store's staff
        service.unregister(store=shop.devices, push=shop.push, caller=staff(ROTTERDAM), location_id=ROTTERDAM,
                           device_id=device.device_id)
    with pytest.raises(NotFound):  # by staff of another store
        service.unregister(store=shop.devices, push=shop.push, caller=staff(ROTTERDAM), location_id=UTRECHT,
                           device_id=device.device_id)
    with pytest.raises(NotFound):
        service.unregister(store=shop.devices, push=shop.push, caller=staff(UTRECHT), location_id=UTRECHT,
                           device_id="00000000-0000-0000-0000-000000000000")
    assert shop.devices.get_device(device.device_id) == device and device.endpoint_arn in shop.push.endpoints


# -- live feed connections ----------------------------------------------------------------------


def test_staff_and_head_office_open_a_stores_feed(shop: Shop) -> None:
    # when
    by_staff = service.connect(store=shop.devices, caller=staff(UTRECHT), location_id=UTRECHT, connection_id="c-1")
    by_admin = service.connect(store=shop.devices, caller=ADMIN, location_id=UTRECHT, connection_id="c-2")
    # then
    assert (by_staff.subject, by_admin.subject) == (f"staff-{UTRECHT}", "head-office")
    assert [c.connection_id for c in shop.devices.connections_at(UTRECHT)] == ["c-1", "c-2"]


def test_customers_and_integrations_open_no_feed_and_staff_only_their_own(shop: Shop) -> None:
    # when / then
    for caller in (CUSTOMER, ERP):
        with pytest.raises(Forbidden):
            service.connect(store=shop.devices, caller=caller, location_id=UTRECHT, connection_id="c-1")
    with pytest.raises(NotFound):
        service.connect(store=shop.devices, caller=staff(ROTTERDAM), location_id=UTRECHT, connection_id="c-1")
    assert shop.devices.connections == {}


# -- telling a store ----------------------------------------------------------------------------


def test_every_device_and_feed_of_the_store_gets_the_message_and_no_other_store(shop: Shop) -> None:
    # given
    here = [shop.register(UTRECHT)[0] for _ in range(2)]
    there, _ = shop.register(ROTTERDAM)
    feed_here, feed_there = shop.connect(UTRECHT), shop.connect(ROTTERDAM)
    # when
    counts = shop.tell(order_placed_at(UTRECHT), Once("event-1"))
    # then
    assert counts == {"pushed": 2, "posted": 1, "removed": 0, "failed": 0}
    for device in here:
        [pushed] = shop.push.to(device)
        assert (pushed.title, pushed.body) == ("Nieuwe click & collect-bestelling", "AB12CD34: 1 x JKT-1.")
        assert pushed.data == {"kind": "OrderPlaced", "link": "/orders/ab12cd34", "location_id": UTRECHT}
    assert shop.feed.to(feed_here) == [{"title": "Nieuwe click & collect-bestelling", "body": "AB12CD34: 1 x JKT-1.",
                                        "kind": "OrderPlaced", "link": "/orders/ab12cd34", "location_id": UTRECHT}]
    assert shop.push.to(there) == [] and shop.feed.to(feed_there) == []


def test_a_redelivered_event_reaches_nobody_twice(shop: Shop) -> None:
    # given
    device, _ = shop.register(UTRECHT)
    connection = shop.connect(UTRECHT)
    once = Once("event-1")
    shop.tell(order_placed_at(UTRECHT), once)
    # when
    shop.tell(order_placed_at(UTRECHT), once)
    # then
    assert len(shop.push.to(device)) == 1 and len(shop.feed.to(connection)) == 1


def test_a_failing_device_does_not_stop_the_others_and_alone_gets_the_retry(shop: Shop) -> None:
    # given
    failing, _ = shop.register(UTRECHT)
    working, _ = shop.register(UTRECHT)
    shop.push.failing.add(failing.endpoint_arn)
    once = Once("event-1")
    # when
    first = shop.tell(order_placed_at(UTRECHT), once)
    shop.push.failing.clear()  # the provider is back; the event is delivered again
    second = shop.tell(order_placed_at(UTRECHT), once)
    # then
    assert first == {"pushed": 1, "posted": 0, "removed": 0, "failed": 1}
    assert second["failed"] == 0
    assert len(shop.push.to(failing)) == 1 and len(shop.push.to(working)) == 1
    assert shop.devices.get_device(failing.device_id) is not None  # failing is not gone: kept


def test_a_closed_feed_connection_is_forgotten(shop: Shop) -> None:
    # given
    closed, open_ = shop.connect(UTRECHT), shop.connect(UTRECHT)
    shop.feed.closed.add(closed)
    # when
    counts = shop.tell(order_placed_at(UTRECHT), Once("event-1"))
    # then
    assert counts == {"pushed": 0, "posted": 1, "removed": 1, "failed": 0}
    assert [c.connection_id for c in shop.devices.connections_at(UTRECHT)] == [open_]


def test_a_store_without_devices_or_feeds_is_told_nothing_and_nothing_fails(shop: Shop) -> None:
    # when
    counts = shop.tell(order_placed_at(UTRECHT), Once("event-1"))
    # then
    assert counts == {"pushed": 0, "posted": 0, "removed": 0, "failed": 0}


# -- suggestions at pickup ----------------------------------------------------------------------


def an_order(location_id: str, skus: list[str]) -> Order:
    return Order(order_id=f"order-{location_id}", customer_id="c-1", location_id=location_id,
                 lines=tuple(OrderLine(sku, 1) for sku in skus), payment=Payment.PAID_ONLINE,
                 contact=Contact(email="klant@example.nl"), reservation_id="r-1", status=OrderStatus.PICKING,
                 placed_at=NOW, fingerprint="f")


def suggest(shop: Shop, caller: Caller, skus: list[str], *, order_id: str | None = None,
            orders: MemoryOrderStore | None = None) -> list:
    return service.suggestions(catalog=shop.catalog, together=shop.together, stock=shop.stock,
                               directory=shop.directory, orders=orders or MemoryOrderStore(), caller=caller,
                               location_id=UTRECHT, skus=skus, order_id=order_id, at=NOW)


def test_suggestions_are_accessories_in_stock_here_most_available_first(shop: Shop) -> None:
    """A jacket goes with scarves and bags (the catalog says so): those in stock at this store,
    most available first, never what is being collected, nothing sold out, nothing from another store."""
    # given
    for sku, quantity in [("SCF-RED", 2), ("BAG-TOTE", 5), ("SCF-BLUE", 5), ("SOCK-1", 9), ("JKT-RAIN-M", 3)]:
        shop.receive(sku, UTRECHT, quantity)
    shop.receive("SCF-SOLD", UTRECHT, 9)
    shop.receive("SCF-SOLD", UTRECHT, 9, kind=ChangeKind.SALE)  # stocked here, none available
    shop.receive("BAG-BIG", ROTTERDAM, 9)
    shop.sells("P-JKT", ["JKT-RAIN-M"], accessories=("P-SCF", "P-BAG"))
    shop.sells("P-SCF", ["SCF-RED", "SCF-BLUE", "SCF-SOLD"])
    shop.sells("P-BAG", ["BAG-TOTE", "BAG-BIG"])
    shop.sells("P-SOCK", ["SOCK-1"])
    # when
    found = suggest(shop, staff(UTRECHT), ["JKT-RAIN-M"])
    # then
    assert [(x.sku, x.available) for x in found] == [("SCF-BLUE", 5), ("SCF-RED", 2), ("BAG-TOTE", 5)]
    assert found[0].price.price_cents == 1000 and found[0].entry.name.nl == "Artikel SCF-RED"


def test_at_most_five_suggestions(shop: Shop) -> None:
    # given
    for n in range(1, 7):
        shop.receive(f"SCF-{n}", UTRECHT, n)
    shop.sells("P-JKT", ["JKT-RAIN-M"], accessories=("P-SCF",))
    shop.sells("P-SCF", [f"SCF-{n}" for n in range(1, 7)])
    # when
    found = suggest(shop, staff(UTRECHT), ["JKT-RAIN-M"])
    # then
    assert [x.sku for x in found] == ["SCF-6", "SCF-5", "SCF-4", "SCF-3", "SCF-2"]
    assert len(found) == service.MAX_SUGGESTIONS


def test_an_orders_lines_get_suggestions_and_another_stores_order_is_not_found(shop: Shop) -> None:
    # given
    shop.receive("SCF-RED", UTRECHT, 2)
    shop.sells("P-JKT", ["JKT-RAIN-M"], accessories=("P-SCF",))
    shop.sells("P-SCF", ["SCF-RED"])
    orders = MemoryOrderStore()
    order = an_order(UTRECHT, ["JKT-RAIN-M"])
    orders.orders[order.order_id] = order
    elsewhere = an_order(ROTTERDAM, ["JKT-RAIN-M"])
    orders.orders[elsewhere.order_id] = elsewhere
    # when
    found = suggest(shop, staff(UTRECHT), [], order_id=order.order_id, orders=orders)
    # then
    assert [x.sku for x in found] == ["SCF-RED"]
    with pytest.raises(NotFound):
        suggest(shop, ADMIN, [], order_id=elsewhere.order_id, orders=orders)


def test_suggestions_name_skus_or_an_order(shop: Shop) -> None:
    with pytest.raises(InvalidRequest):
        suggest(shop, staff(UTRECHT), [])


def test_staff_of_another_store_get_no_suggestions_for_it(shop: Shop) -> None:
    # when / then
    with pytest.raises(NotFound):
        suggest(shop, staff(ROTTERDAM), ["JKT-RAIN-M"])
