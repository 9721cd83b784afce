"""What the location use cases need from storage."""

from __future__ import annotations

from typing import Protocol

from shared.locations.model import Location


class LocationStore(Protocol):
    def get(self, location_id: str) -> Location | None: ...

    def list_all(self) -> list[Location]: ...

    def put(self, location: Location) -> bool:
        """Create or replace; returns True when it was created."""
        ...
