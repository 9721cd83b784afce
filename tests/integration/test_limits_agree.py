"""The hold limits are one rule: ``Held.allows`` (what the fakes follow) and the DynamoDB counter's
condition accept and refuse the same holds, and count them the same way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import boto3
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from infra.topology import TOPOLOGY
from local.provision import Provisioned
from shared.adapters import items
from shared.adapters.dynamodb_limits import DynamoDBHoldCounters, counter_key
from shared.adapters.dynamodb_transaction import DynamoDBTransactions
from shared.reservations.limits import Held, HoldLimits
from shared.reservations.model import Channel, Line, Reservation, ReservationStatus
from shared.transactions import Refused

LOC = "limits-store"
AT = datetime(2026, 3, 1, 12, tzinfo=UTC)
SKUS = ("LIM-A", "LIM.B")  # a dot, as SKUs may have
_customers = count()

held_now = st.none() | st.builds(Held, holds=st.integers(0, 3),
                                 units=st.dictionaries(st.sampled_from(SKUS), st.integers(0, 4)))
asked_lines = st.dictionaries(st.sampled_from(SKUS), st.integers(1, 5), min_size=1)
limits = st.builds(HoldLimits, units_per_sku=st.integers(1, 4), active_holds=st.integers(1, 3))


def _hold(customer: str, asked: dict[str, int]) -> Reservation:
    return Reservation(reservation_id=f"r-{customer}", customer_id=customer, location_id=LOC,
                       lines=tuple(Line(sku, qty) for sku, qty in sorted(asked.items())), channel=Channel.WEB,
                       status=ReservationStatus.ACTIVE, created_at=AT, expires_at=AT + timedelta(hours=1),
                       fingerprint="f", limited=True)


def test_a_hold_is_within_the_limits_in_dynamodb_exactly_when_the_domain_says_so(aws: Provisioned) -> None:
    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(start=held_now, asked=asked_lines, limit=limits)
    @example(start=Held(1, {"LIM-A": 2}), asked={"LIM-A": 2}, limit=HoldLimits(4, 2))  # exactly at both limits
    @example(start=Held(1, {"LIM-A": 2}), asked={"LIM-A": 3}, limit=HoldLimits(4, 2))  # one unit over
    @example(start=Held(2, {}), asked={"LIM.B": 1}, limit=HoldLimits(4, 2))  # one hold over
    @example(start=None, asked={"LIM.B": 5}, limit=HoldLimits(4, 2))  # a first hold over on its own
    def agree(start: Held | None, asked: dict[str, int], limit: HoldLimits) -> None:
        customer = f"cust-{next(_customers):05d}"
        if start is not None:  # the counter as earlier holds left it
            counted = {"holds": start.holds} | {f"units#{sku}": n for sku, n in start.units.items()}
            boto3.client("dynamodb").put_item(TableName=TOPOLOGY.table.name,
                                              Item=counter_key(customer, LOC) | items.to_item(counted))
        before = start or Held(0, {})
        counters = DynamoDBHoldCounters(TOPOLOGY.table.name)
        tx = DynamoDBTransactions(TOPOLOGY.table.name).begin()
        counters.add_counted_in(tx, reservation=_hold(customer, asked), limits=limit)
        refusal: Refused | None = None
        try:
            tx.commit()
        except Refused as refused:
            refusal = refused
        accepted = refusal is None
        assert accepted == before.allows(limit, asked)
        if refusal is not None:  # it names the counter, with what the customer held
            assert [(f.subject, f.current) for f in refusal] == [(limit, before)]
        after = counters.held_by(customer, LOC)
        expected = Held(before.holds + 1, {sku: before.units.get(sku, 0) + asked.get(sku, 0)
                                           for sku in {*before.units, *asked}}) if accepted else before
        assert after == expected

    agree()
