"""Store device use cases: register and forget devices, open and close feed connections,
suggest accessories, and tell a store's devices about an event, once each."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial

from shared.catalog.accessories import category, goes_with
from shared.devices.model import Connection, Device, Platform, StoreMessage
from shared.devices.ports import DeviceStore, FeedService, Gone, PushService
from shared.errors import NotFound
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.stock.model import StockLevel
from shared.stock.ports import StockStore

_DEVICE_NAMESPACE = uuid.UUID("d4c3b2a1-0f9e-4d8c-b7a6-5f4e3d2c1b0a")
MAX_SUGGESTIONS = 5


def register(*, store: DeviceStore, push: PushService, directory: LocationDirectory, caller: Caller,
             location_id: str, platform: Platform, token: str, name: str) -> tuple[Device, bool]:
    """The same token registered again is the same device (apps re-register on every start)."""
    caller.require_location(location_id)
    directory.get(location_id)
    device_id = str(uuid.uuid5(_DEVICE_NAMESPACE, f"{location_id}\n{platform.value}\n{token}"))
    existing = store.get_device(device_id)
    if existing is not None:
        return existing, False
    device = Device(device_id, location_id, platform, push.create_endpoint(platform, token), name,
                    datetime.now(UTC))
    return device, store.put_device(device)


def unregister(*, store: DeviceStore, push: PushService, caller: Caller, location_id: str, device_id: str) -> None:
    caller.require_location(location_id)
    device = store.get_device(device_id)
    if device is None or device.location_id != location_id:
        raise NotFound(f"Device {device_id!r} was not found.")
    push.delete_endpoint(device.endpoint_arn)
    store.delete_device(device_id)


def devices(*, store: DeviceStore, caller: Caller, location_id: str, limit: int = 50,
            cursor: str | None = None) -> tuple[list[Device], str | None]:
    caller.require_location(location_id)
    return store.devices_page(location_id, limit, cursor)


def connect(*, store: DeviceStore, caller: Caller, location_id: str, connection_id: str) -> Connection:
    """A feed connection is for one store: its staff, or head office naming the store."""
    caller.require({"staff", "admin"})
    caller.require_location(location_id)
    connection = Connection(connection_id, location_id, caller.subject, datetime.now(UTC))
    store.put_connection(connection)
    return connection


def suggestions(*, stock: StockStore, directory: LocationDirectory, caller: Caller, location_id: str,
                skus: list[str]) -> list[StockLevel]:
    """Accessories for what is being collected, in stock in this store, most available first."""
    caller.require_location(location_id)
    directory.get(location_id)
    wanted = goes_with(skus)
    found = [lvl for lvl in stock.list_at_location(location_id)
             if category(lvl.sku) in wanted and lvl.available > 0 and lvl.sku not in skus]
    return sorted(found, key=lambda lvl: (-lvl.available, lvl.sku))[:MAX_SUGGESTIONS]


def tell_store(*, store: DeviceStore, push: PushService, feed: FeedService, message: StoreMessage,
               once: Callable[[str, Callable[[], object]], object]) -> dict[str, int]:
    """One message per device and per open feed connection of the message's store.

    ``once(target, send)`` runs ``send`` at most once per event and target (idempotency), so a
    redelivered event reaches nobody twice. A device that is gone is forgotten; one that fails
    otherwise does not stop the others, and makes the whole event be retried (for it alone).
    """
    counts = {"pushed": 0, "posted": 0, "removed": 0, "failed": 0}
    data = {"kind": message.kind, "link": message.link, "location_id": message.location_id}
    for device in store.devices_at(message.location_id):
        try:
            once(f"device:{device.device_id}", partial(push.push, device, message.title, message.body, data))
            counts["pushed"] += 1
        except Gone:
            store.delete_device(device.device_id)
            counts["removed"] += 1
        except Exception:  # one failing device never stops the others
            counts["failed"] += 1
    payload: dict[str, object] = {"title": message.title, "body": message.body, **data}
    for connection in store.connections_at(message.location_id):
        try:
            once(f"feed:{connection.connection_id}", partial(feed.post, connection.connection_id, payload))
            counts["posted"] += 1
        except Gone:
            store.delete_connection(connection.connection_id)
            counts["removed"] += 1
        except Exception:
            counts["failed"] += 1
    return counts
