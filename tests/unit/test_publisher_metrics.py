"""The stream publisher counts each event it publishes by type: the dashboard's orders by state."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from functions.stock_stream_publisher import handler as publisher
from shared.observability import metrics


def test_each_published_order_event_is_counted_by_its_type(monkeypatch: pytest.MonkeyPatch) -> None:
    published: list[Any] = []
    monkeypatch.setattr(publisher.wiring, "event_publisher", lambda: SimpleNamespace(publish=published.extend))
    monkeypatch.setattr(publisher, "_order", lambda record, which: object() if which == "NewImage" else None)
    events = [SimpleNamespace(detail_type="OrderReadyForPickup"), SimpleNamespace(detail_type="OrderReadyForPickup")]
    monkeypatch.setattr(publisher, "events_for_order", lambda before, after, occurred: events)
    counted: list[tuple[str, str, float]] = []  # what reaches Metrics, whether or not it is flushed
    monkeypatch.setattr(metrics, "add_metric", lambda name, unit, value, **_: counted.append((name, str(unit), value)))
    publisher.publish_hold_or_order({"dynamodb": {"Keys": {"pk": {"S": "ORD#o-1"}}}}, "ORD#")
    assert published == events
    assert [(name, value) for name, _, value in counted] == [("OrderReadyForPickup", 1), ("OrderReadyForPickup", 1)]
    assert all("Count" in unit for _, unit, _ in counted)
