"""A short-lived in-memory view of all locations, shared by the calls of one container.

Locations change a few times a year and are read on nearly every stock call (existence,
coordinates, thresholds), so a Lambda container keeps them for ``ttl_seconds`` and reloads
early on a miss: a location created a moment ago is found at the cost of one extra query.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from shared.errors import NotFound
from shared.locations.model import Location
from shared.locations.ports import LocationStore


class LocationDirectory:
    def __init__(
        self,
        store: LocationStore,
        ttl_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._ttl = ttl_seconds
        self._clock = clock
        self._by_id: dict[str, Location] = {}
        self._loaded_at: float | None = None

    def _load(self) -> None:
        self._by_id = {loc.location_id: loc for loc in self._store.list_all()}
        self._loaded_at = self._clock()

    def _fresh(self) -> bool:
        return self._loaded_at is not None and self._clock() - self._loaded_at < self._ttl

    def all(self) -> list[Location]:
        if not self._fresh():
            self._load()
        return list(self._by_id.values())

    def find(self, location_id: str) -> Location | None:
        if not self._fresh():
            self._load()
        found = self._by_id.get(location_id)
        if found is None and self._loaded_at is not None and self._clock() - self._loaded_at > 1:
            self._load()  # a miss may be a location created since the last load
            found = self._by_id.get(location_id)
        return found

    def get(self, location_id: str) -> Location:
        found = self.find(location_id)
        if found is None or not found.active:
            raise NotFound(f"Location {location_id!r} was not found.")
        return found

    def invalidate(self) -> None:
        self._loaded_at = None
