"""Stock use cases: the one domain call each handler makes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from shared.errors import InsufficientStock, InvalidRequest
from shared.geo import distance_km
from shared.idempotency import IdempotencyClaim
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.locations.model import Location
from shared.stock.model import FACTS, ChangeKind, StockCount, StockLevel, StockMove, effect_of_delta, on_hand_delta
from shared.stock.ports import ChangeReceipt, StockStore
from shared.transactions import Refused, Transaction, Transactions

MAX_SKUS_PER_READ = 100
MAX_LOCATIONS_PER_READ = 50
CLOCK_SKEW = timedelta(minutes=5)  # tolerated for as_of times of counts from other systems


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Placed:
    """A location that can serve a SKU, with its distance from the asker."""

    location: Location
    level: StockLevel
    distance_km: float


# -- reads ---------------------------------------------------------------------------------


def stock_of_sku(*, store: StockStore, directory: LocationDirectory, sku: str) -> list[StockLevel]:
    """The SKU at every active location (one query); the order is by location id."""
    active = {loc.location_id for loc in directory.all() if loc.active}
    return sorted(
        (lvl for lvl in store.list_for_sku(sku) if lvl.location_id in active),
        key=lambda lvl: lvl.location_id,
    )


def stock_at(*, store: StockStore, directory: LocationDirectory, sku: str, location_id: str) -> StockLevel:
    """A SKU never stocked at a known location simply has zero of everything."""
    directory.get(location_id)
    return store.get(sku, location_id) or StockLevel(sku=sku, location_id=location_id)


def stock_matrix(
    *, store: StockStore, directory: LocationDirectory, skus: list[str], location_ids: list[str]
) -> list[StockLevel]:
    """Many SKUs at many locations for a product list page; absent pairs read as zero."""
    if not skus or len(skus) > MAX_SKUS_PER_READ:
        raise InvalidRequest(f"Ask for 1 to {MAX_SKUS_PER_READ} SKUs.", field="skus")
    if not location_ids or len(location_ids) > MAX_LOCATIONS_PER_READ:
        raise InvalidRequest(f"Ask for 1 to {MAX_LOCATIONS_PER_READ} locations.", field="locations")
    for location_id in location_ids:
        directory.get(location_id)
    keys = [(sku, loc) for sku in dict.fromkeys(skus) for loc in dict.fromkeys(location_ids)]
    found = {(lvl.sku, lvl.location_id): lvl for lvl in store.get_many(keys)}
    return [found.get(key) or StockLevel(sku=key[0], location_id=key[1]) for key in keys]


def nearest_with_stock(
    *,
    store: StockStore,
    directory: LocationDirectory,
    sku: str,
    lat: float,
    lon: float,
    quantity: int = 1,
    limit: int = 5,
    radius_km: float | None = None,
    service: str | None = None,
) -> list[Placed]:
    """Locations that can promise ``quantity`` of the SKU, nearest first."""
    locations = {loc.location_id: loc for loc in directory.all() if loc.active}
    placed = []
    for level in store.list_for_sku(sku):
        location = locations.get(level.location_id)
        if location is None or level.available < quantity:
            continue
        if service is not None and service not in location.services:
            continue
        distance = distance_km(lat, lon, location.coordinates.lat, location.coordinates.lon)
        if radius_km is None or distance <= radius_km:
            placed.append(Placed(location, level, round(distance, 2)))
    placed.sort(key=lambda p: (p.distance_km, p.location.location_id))
    return placed[:limit]


# -- writes --------------------------------------------------------------------------------


def record_change(
    *,
    store: StockStore,
    transactions: Transactions,
    directory: LocationDirectory,
    caller: Caller,
    sku: str,
    location_id: str,
    kind: ChangeKind,
    quantity: int,
    idempotency_key: str,
    source: str,
    correlation_id: str | None = None,
) -> ChangeReceipt:
    """A relative change to ``on_hand``, applied exactly once per idempotency key."""
    caller.require_location(location_id)
    location = directory.get(location_id)
    delta = on_hand_delta(kind, quantity)
    claim = IdempotencyClaim.for_request(
        caller.principal, idempotency_key,
        {"op": "change", "sku": sku, "loc": location_id, "kind": kind.value, "qty": quantity},
    )
    receipt = ChangeReceipt(
        change_id=claim.change_id, sku=sku, location_id=location_id, kind=kind.value,
        on_hand_delta=delta, on_hand=None, applied_at=_now(), source=source,
        correlation_id=correlation_id,
    )
    move = StockMove(sku, location_id, effect_of_delta(delta, fact=kind in FACTS), abs(delta))
    tx = transactions.begin()
    store.add_move(tx, move=move, change=receipt, default_threshold=location.low_stock_threshold)
    written, refused = _commit_with_receipt(tx, store=store, claim=claim, receipt=receipt)
    if refused is not None:
        _found(refused, move).apply(move.effect, move.quantity)  # raises InsufficientStock with the numbers
        raise InsufficientStock(f"{sku} at {location_id}: the change was refused.")
    return written


def record_count(
    *,
    store: StockStore,
    transactions: Transactions,
    directory: LocationDirectory,
    caller: Caller,
    sku: str,
    location_id: str,
    on_hand: int,
    as_of: datetime,
    idempotency_key: str,
    source: str,
    correlation_id: str | None = None,
) -> ChangeReceipt | None:
    """An absolute count; ``None`` when a newer count is already in (then nothing changes)."""
    caller.require_location(location_id)
    location = directory.get(location_id)
    if on_hand < 0:
        raise InvalidRequest("A count cannot be negative.", field="on_hand")
    if as_of.tzinfo is None:
        raise InvalidRequest("as_of needs a time zone, e.g. 2026-11-23T08:00:00Z.", field="as_of")
    if as_of > _now() + CLOCK_SKEW:
        raise InvalidRequest("as_of lies in the future.", field="as_of")
    claim = IdempotencyClaim.for_request(
        caller.principal, idempotency_key,
        {"op": "count", "sku": sku, "loc": location_id, "on_hand": on_hand, "as_of": as_of.isoformat()},
    )
    receipt = ChangeReceipt(
        change_id=claim.change_id, sku=sku, location_id=location_id, kind="count",
        on_hand_delta=None, on_hand=on_hand, applied_at=_now(), source=source,
        correlation_id=correlation_id,
    )
    count = StockCount(sku, location_id, on_hand, as_of.astimezone(UTC))
    tx = transactions.begin()
    store.add_count(tx, count=count, change=receipt, default_threshold=location.low_stock_threshold)
    written, refused = _commit_with_receipt(tx, store=store, claim=claim, receipt=receipt)
    if refused is not None:
        if _found(refused, count).with_count(on_hand, count.as_of) is None:
            return None  # a newer count is in: this one is history, not news
        raise InsufficientStock(f"{sku} at {location_id}: the count was refused.")
    return written


def _commit_with_receipt(tx: Transaction, *, store: StockStore, claim: IdempotencyClaim,
                         receipt: ChangeReceipt) -> tuple[ChangeReceipt, Refused | None]:
    """The change and the request's record, together: (this receipt, None) when written; the first
    request's receipt when this is its retry (the key was taken); otherwise the refusal."""
    store.add_receipt(tx, claim=claim, receipt=receipt)
    try:
        tx.commit()
    except Refused as refused:
        first = store.receipt_for(claim) if refused.about(claim) is not None else None
        return (first, None) if first is not None else (receipt, refused)
    return receipt, None


def _found(refused: Refused, subject: StockMove | StockCount) -> StockLevel:
    """The stock level the refused write found (a zero level where there was none)."""
    failure = refused.about(subject)
    current = failure.current if failure is not None else None
    return current if isinstance(current, StockLevel) else StockLevel(sku=subject.sku, location_id=subject.location_id)


def update_settings(
    *,
    store: StockStore,
    directory: LocationDirectory,
    caller: Caller,
    sku: str,
    location_id: str,
    safety_stock: int,
    low_stock_threshold: int,
    source: str,
) -> StockLevel:
    """Safety stock and low-stock threshold of one SKU at one location (setting is idempotent)."""
    caller.require_location(location_id)
    directory.get(location_id)
    if safety_stock < 0 or low_stock_threshold < 0:
        raise InvalidRequest("Settings cannot be negative.")
    change = ChangeReceipt(
        change_id=f"settings-{sku}-{location_id}", sku=sku, location_id=location_id,
        kind="settings", on_hand_delta=None, on_hand=None, applied_at=_now(), source=source,
    )
    return store.apply_settings(sku=sku, location_id=location_id, safety_stock=safety_stock,
                                low_stock_threshold=low_stock_threshold, change=change)
