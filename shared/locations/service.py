"""Location use cases."""

from __future__ import annotations

from shared.errors import InvalidRequest
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.locations.model import Location, LocationType, Service
from shared.locations.ports import LocationStore


def list_locations(
    *,
    directory: LocationDirectory,
    location_type: LocationType | None = None,
    service: Service | None = None,
) -> list[Location]:
    found = [
        loc
        for loc in directory.all()
        if loc.active
        and (location_type is None or loc.type == location_type)
        and (service is None or loc.offers(service))
    ]
    return sorted(found, key=lambda loc: loc.location_id)


def get_location(*, directory: LocationDirectory, location_id: str) -> Location:
    return directory.get(location_id)


def save_location(
    *, store: LocationStore, directory: LocationDirectory, caller: Caller, location_id: str,
    location: Location,
) -> bool:
    """Admin only (the route says so too). Returns True when the location is new."""
    caller.require({"admin"})
    if location.location_id != location_id:
        raise InvalidRequest("location_id in the body differs from the path.", field="location_id")
    created = store.put(location)
    directory.invalidate()
    return created

