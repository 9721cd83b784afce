"""Locations in memory."""

from __future__ import annotations

from shared.locations.model import Location


class MemoryLocationStore:
    def __init__(self) -> None:
        self.locations: dict[str, Location] = {}

    def get(self, location_id: str) -> Location | None:
        return self.locations.get(location_id)

    def list_all(self) -> list[Location]:
        return list(self.locations.values())

    def put(self, location: Location) -> bool:
        created = location.location_id not in self.locations
        self.locations[location.location_id] = location
        return created
