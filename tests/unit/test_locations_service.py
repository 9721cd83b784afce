"""Locations on fakes: what the public list shows, who may change a location, and how long
a container trusts what it read (the directory's cache)."""

from __future__ import annotations

import pytest

from shared.errors import Forbidden, InvalidRequest, NotFound
from shared.identity import Caller
from shared.locations import service
from shared.locations.directory import LocationDirectory
from shared.locations.model import Address, Coordinates, Location, LocationType, Service
from tests.fakes.locations import MemoryLocationStore

ADMIN = Caller(role="admin", subject="head-office")


def a_location(location_id: str, *, type_: LocationType = LocationType.STORE, active: bool = True,
               services: frozenset[Service] = frozenset(), name: str | None = None) -> Location:
    return Location(location_id=location_id, name=name or location_id, type=type_, active=active, services=services,
                    address=Address(street="Straat 1", postal_code="1234 AB", city="Utrecht"),
                    coordinates=Coordinates(lat=52.09, lon=5.12))


class Clock:
    """Seconds that pass only when a test says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store() -> MemoryLocationStore:
    store = MemoryLocationStore()
    for location in (
        a_location("utrecht", services=frozenset({Service.CLICK_AND_COLLECT, Service.RETURNS})),
        a_location("amsterdam", services=frozenset(Service)),
        a_location("dc-tilburg", type_=LocationType.WAREHOUSE, services=frozenset({Service.SHIP_FROM_STORE})),
        a_location("closed", active=False, services=frozenset(Service)),
    ):
        store.put(location)
    return store


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def directory(store: MemoryLocationStore, clock: Clock) -> LocationDirectory:
    return LocationDirectory(store, ttl_seconds=60, clock=clock)


# -- reading --------------------------------------------------------------------------------------


def test_the_list_holds_active_locations_only_in_id_order(directory: LocationDirectory) -> None:
    # when
    found = service.list_locations(directory=directory)
    # then
    assert [loc.location_id for loc in found] == ["amsterdam", "dc-tilburg", "utrecht"]


def test_the_list_filters_by_type_and_by_service(directory: LocationDirectory) -> None:
    # when
    stores = service.list_locations(directory=directory, location_type=LocationType.STORE)
    returns = service.list_locations(directory=directory, service=Service.RETURNS)
    both = service.list_locations(directory=directory, location_type=LocationType.WAREHOUSE,
                                  service=Service.RETURNS)
    # then
    assert [loc.location_id for loc in stores] == ["amsterdam", "utrecht"]
    assert [loc.location_id for loc in returns] == ["amsterdam", "utrecht"]
    assert both == []


def test_a_closed_or_unknown_location_is_not_found(directory: LocationDirectory) -> None:
    # then
    assert service.get_location(directory=directory, location_id="utrecht").location_id == "utrecht"
    for location_id in ("closed", "nowhere"):
        with pytest.raises(NotFound):
            service.get_location(directory=directory, location_id=location_id)


# -- saving ---------------------------------------------------------------------------------------


def test_head_office_creates_a_location_and_every_read_sees_it_at_once(
        store: MemoryLocationStore, directory: LocationDirectory) -> None:
    # given: the directory has read the locations once
    service.list_locations(directory=directory)
    # when
    created = service.save_location(store=store, directory=directory, caller=ADMIN, location_id="den-haag",
                                    location=a_location("den-haag"))
    # then
    assert created
    assert service.get_location(directory=directory, location_id="den-haag").location_id == "den-haag"
    assert "den-haag" in {loc.location_id for loc in service.list_locations(directory=directory)}


def test_saving_an_existing_location_replaces_it(store: MemoryLocationStore, directory: LocationDirectory) -> None:
    # given
    service.get_location(directory=directory, location_id="utrecht")
    # when
    created = service.save_location(store=store, directory=directory, caller=ADMIN, location_id="utrecht",
                                    location=a_location("utrecht", name="Utrecht Oudegracht"))
    # then
    assert not created
    assert service.get_location(directory=directory, location_id="utrecht").name == "Utrecht Oudegracht"


def test_closing_a_location_takes_it_out_of_every_read(store: MemoryLocationStore,
                                                       directory: LocationDirectory) -> None:
    # when
    service.save_location(store=store, directory=directory, caller=ADMIN, location_id="utrecht",
                          location=a_location("utrecht", active=False))
    # then
    assert "utrecht" not in {loc.location_id for loc in service.list_locations(directory=directory)}
    with pytest.raises(NotFound):
        service.get_location(directory=directory, location_id="utrecht")


@pytest.mark.parametrize("caller", [Caller(role="staff", subject="s", location_id="utrecht"),
                                    Caller(role="integration", subject="erp"), Caller(role="customer", subject="c")],
                         ids=["staff-of-that-store", "integration", "customer"])
def test_only_head_office_saves_locations(store: MemoryLocationStore, directory: LocationDirectory,
                                          caller: Caller) -> None:
    # when / then
    with pytest.raises(Forbidden):
        service.save_location(store=store, directory=directory, caller=caller, location_id="utrecht",
                              location=a_location("utrecht", name="Renamed"))
    assert store.locations["utrecht"].name == "utrecht"


def test_the_body_must_name_the_location_of_the_path(store: MemoryLocationStore,
                                                     directory: LocationDirectory) -> None:
    # when / then
    with pytest.raises(InvalidRequest) as refused:
        service.save_location(store=store, directory=directory, caller=ADMIN, location_id="utrecht",
                              location=a_location("amsterdam", name="Overwritten"))
    assert refused.value.extra["field"] == "location_id"
    assert store.locations["amsterdam"].name == "amsterdam"


# -- the directory's cache ------------------------------------------------------------------------


def test_the_directory_reads_storage_once_per_ttl(store: MemoryLocationStore, directory: LocationDirectory,
                                                  clock: Clock) -> None:
    """Locations change a few times a year: a container trusts its copy for the ttl."""
    # given
    directory.all()
    store.put(a_location("utrecht", name="Changed behind the directory's back"))
    # when
    clock.now = 59
    cached = directory.get("utrecht").name
    clock.now = 60
    reloaded = directory.get("utrecht").name
    # then
    assert cached == "utrecht" and reloaded == "Changed behind the directory's back"


def test_a_location_created_elsewhere_is_found_after_one_extra_read(store: MemoryLocationStore,
                                                                     directory: LocationDirectory,
                                                                     clock: Clock) -> None:
    """A miss reloads early (more than a second after the last read), so a new store is not
    unknown for a whole ttl in containers that did not create it."""
    # given
    directory.all()
    store.put(a_location("eindhoven"))
    # when
    within_a_second = directory.find("eindhoven")
    clock.now = 2
    later = directory.find("eindhoven")
    # then
    assert within_a_second is None and later is not None
