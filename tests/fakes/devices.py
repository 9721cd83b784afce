"""Store devices in memory: the device store, the push service and the live feed, with the
behaviour the use cases rely on (a disabled endpoint or a closed socket is Gone; one target
may fail without the others), and a record of what each device and connection received."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from shared.devices.model import Connection, Device, Platform
from shared.devices.ports import Gone
from shared.errors import InvalidCursor

_CURSOR = "after:"


class MemoryDeviceStore:
    """Listed per location in device id order, as the gsi1 sort key lists them."""

    def __init__(self) -> None:
        self.devices: dict[str, Device] = {}
        self.connections: dict[str, Connection] = {}

    def put_device(self, device: Device) -> bool:
        created = device.device_id not in self.devices
        self.devices[device.device_id] = device
        return created

    def delete_device(self, device_id: str) -> None:
        self.devices.pop(device_id, None)

    def get_device(self, device_id: str) -> Device | None:
        return self.devices.get(device_id)

    def devices_at(self, location_id: str) -> list[Device]:
        return sorted((d for d in self.devices.values() if d.location_id == location_id), key=lambda d: d.device_id)

    def devices_page(self, location_id: str, limit: int, cursor: str | None) -> tuple[list[Device], str | None]:
        if cursor is not None and not cursor.startswith(_CURSOR):
            raise InvalidCursor("This cursor was not given out for this list.")
        after = cursor[len(_CURSOR):] if cursor else ""
        rest = [d for d in self.devices_at(location_id) if d.device_id > after]
        page = rest[:limit]
        return page, f"{_CURSOR}{page[-1].device_id}" if len(rest) > limit else None

    def put_connection(self, connection: Connection) -> None:
        self.connections[connection.connection_id] = connection

    def delete_connection(self, connection_id: str) -> None:
        self.connections.pop(connection_id, None)

    def connections_at(self, location_id: str) -> list[Connection]:
        return sorted((c for c in self.connections.values() if c.location_id == location_id),
                      key=lambda c: c.connection_id)


@dataclass(frozen=True)
class Pushed:
    endpoint_arn: str
    title: str
    body: str
    data: dict[str, str]


@dataclass
class MemoryPushService:
    """Like SNS: the same token gives the same endpoint; a deleted or disabled endpoint is Gone."""

    endpoints: dict[str, tuple[Platform, str]] = field(default_factory=dict)  # arn -> (platform, token)
    disabled: set[str] = field(default_factory=set)  # the app was uninstalled, the token expired
    failing: set[str] = field(default_factory=set)  # the provider fails for now (a retry may succeed)
    pushed: list[Pushed] = field(default_factory=list)
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def create_endpoint(self, platform: Platform, token: str) -> str:
        for arn, known in self.endpoints.items():
            if known == (platform, token):
                return arn
        arn = f"arn:aws:sns:eu-west-1:000000000000:endpoint/{platform.value}/{next(self._numbers)}"
        self.endpoints[arn] = (platform, token)
        return arn

    def delete_endpoint(self, endpoint_arn: str) -> None:
        self.endpoints.pop(endpoint_arn, None)

    def push(self, device: Device, title: str, body: str, data: dict[str, str]) -> str:
        if device.endpoint_arn not in self.endpoints or device.endpoint_arn in self.disabled:
            raise Gone(device.endpoint_arn)
        if device.endpoint_arn in self.failing:
            raise RuntimeError("the push provider is unavailable")
        self.pushed.append(Pushed(device.endpoint_arn, title, body, dict(data)))
        return f"message-{len(self.pushed)}"

    def to(self, device: Device) -> list[Pushed]:
        return [p for p in self.pushed if p.endpoint_arn == device.endpoint_arn]


@dataclass
class MemoryFeed:
    """Open sockets receive what is posted; a closed one is Gone."""

    closed: set[str] = field(default_factory=set)
    posted: list[tuple[str, dict[str, object]]] = field(default_factory=list)

    def post(self, connection_id: str, payload: dict[str, object]) -> None:
        if connection_id in self.closed:
            raise Gone(connection_id)
        self.posted.append((connection_id, dict(payload)))

    def to(self, connection_id: str) -> list[dict[str, object]]:
        return [payload for cid, payload in self.posted if cid == connection_id]


@dataclass
class Once:
    """At most once per event and target, as the notifier's idempotency record gives it: a send
    that raised is not recorded, so a redelivery tries that target again."""

    event_id: str
    done: set[str] = field(default_factory=set)

    def __call__(self, target: str, send: Callable[[], object]) -> object:
        key = f"{self.event_id}|{target}"
        if key in self.done:
            return None
        sent = send()
        self.done.add(key)
        return sent


if TYPE_CHECKING:  # mypy holds the fakes to the ports they stand in for
    from shared.devices.ports import DeviceStore, FeedService, PushService

    _store: DeviceStore = MemoryDeviceStore()
    _push: PushService = MemoryPushService()
    _feed: FeedService = MemoryFeed()
