"""What the device use cases need: storage, and the two ways a message reaches a device."""

from __future__ import annotations

from typing import Protocol

from shared.devices.model import Connection, Device, Platform


class DeviceStore(Protocol):
    def put_device(self, device: Device) -> bool: ...

    def delete_device(self, device_id: str) -> None: ...

    def get_device(self, device_id: str) -> Device | None: ...

    def devices_at(self, location_id: str) -> list[Device]: ...

    def devices_page(self, location_id: str, limit: int, cursor: str | None) -> tuple[list[Device], str | None]: ...

    def put_connection(self, connection: Connection) -> None: ...

    def delete_connection(self, connection_id: str) -> None: ...

    def connections_at(self, location_id: str) -> list[Connection]: ...


class Gone(Exception):
    """The device or connection no longer exists (disabled endpoint, closed socket): forget it."""


class PushService(Protocol):
    def create_endpoint(self, platform: Platform, token: str) -> str: ...

    def delete_endpoint(self, endpoint_arn: str) -> None: ...

    def push(self, device: Device, title: str, body: str, data: dict[str, str]) -> str: ...


class FeedService(Protocol):
    def post(self, connection_id: str, payload: dict[str, object]) -> None: ...
