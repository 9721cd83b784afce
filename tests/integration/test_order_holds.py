"""An order's hold lives and dies with its order: it is never cancelled, extended or expired
on its own, and holds that can expire are expired within a sweep whatever else is overdue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from functions.reservation_sweeper import handler as sweeper
from functions.reservations_api import handler as api
from local.lambdas import FakeContext
from shared import wiring
from shared.identity import Caller
from shared.orders.model import OrderStatus
from shared.reservations import holding, service
from shared.reservations.model import Channel, Line, Reservation, ReservationStatus
from tests.integration.conftest import http
from tests.integration.test_orders import place, step
from tests.integration.test_reservations import UTRECHT, level, stock

pytestmark = pytest.mark.usefixtures("locations")
CTX = FakeContext(function_name="reservation-sweeper", aws_request_id="r")
LONG_AGO = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # explicit times: every hold below is overdue


@pytest.fixture(autouse=True)
def _in_the_catalog(priced: Callable[..., None]) -> None:
    """The server prices every line: the SKUs these tests reserve, order or sell are in the catalog."""
    priced(["OH-1", "OH-2"], 2495)


def _hold(number: int, sku: str, expires_at: datetime, order_id: str | None) -> Reservation:
    return Reservation(
        reservation_id=f"hold-{number:04d}", customer_id=f"cust-{number}", location_id=UTRECHT,
        lines=(Line(sku, 1),), channel=Channel.WEB, status=ReservationStatus.ACTIVE,
        created_at=expires_at - timedelta(hours=1), expires_at=expires_at, fingerprint=f"fp-{number}",
        order_id=order_id)


def test_staff_cannot_cancel_or_extend_an_orders_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    stock("OH-1", UTRECHT, 2)
    status, order, _ = place([{"sku": "OH-1", "quantity": 1}], key="order-holds-a")
    assert status == 201
    rid = {"reservation_id": order["reservation_id"]}
    for action, body in (("cancel", None), ("extend", {"hold_seconds": 60})):
        status, problem, headers = http(api, f"POST /reservations/{{reservation_id}}/{action}", rid, body,
                                        as_="staff-utrecht")
        assert status == 409, (action, problem)
        assert "order" in problem["detail"] and headers["Content-Type"] == "application/problem+json"
    held = wiring.reservation_store().get(order["reservation_id"])
    assert held is not None and held.status is ReservationStatus.ACTIVE
    assert level("OH-1").reserved == 1
    # long after the hold's own limit, reading it does not expire it while the order is open
    later = held.expires_at + timedelta(days=1)
    monkeypatch.setattr(service, "_now", lambda: later)
    staff = Caller(role="staff", subject="anna", location_id=UTRECHT)
    read = service.get(**wiring.holds(), caller=staff, reservation_id=held.reservation_id)
    assert read.status is ReservationStatus.ACTIVE
    customer = Caller(role="customer", subject=held.customer_id)
    assert [r.status for r in service.list_mine(**wiring.holds(), caller=customer)[0]] == [ReservationStatus.ACTIVE]
    assert service.expire_due(**wiring.holds(), now=later) == 0
    # it ends with its order, and the units come back
    assert step(order["order_id"], "cancel")[1]["status"] == OrderStatus.CANCELLED.value
    assert (level("OH-1").reserved, level("OH-1").available) == (0, 2)


def test_overdue_order_holds_never_starve_the_sweep() -> None:
    stock("OH-2", UTRECHT, 400)
    store = wiring.reservation_store()

    def create(hold: Reservation) -> None:
        holding.hold(**wiring.holds(), reservation=hold, limits=None, default_threshold=0)

    for number in range(110):  # overdue longer than anything else, and never the sweep's to end
        create(_hold(number, "OH-2", LONG_AGO + timedelta(seconds=number), f"order-{number:04d}"))
    plain = [_hold(1000 + n, "OH-2", LONG_AGO + timedelta(hours=1, seconds=n), None) for n in range(150)]
    for hold in plain:  # more than one page of plain holds, the last a 1-second hold
        create(hold)
    assert level("OH-2").reserved == 260
    result = sweeper.lambda_handler({}, CTX)  # one run, at the real time: everything above is overdue
    assert result["expired"] == 150
    assert {store.get(h.reservation_id).status for h in plain} == {ReservationStatus.EXPIRED}
    assert store.get("hold-0000").status is ReservationStatus.ACTIVE
    assert level("OH-2").reserved == 110
