"""The stream publisher counts each event it publishes by type: the dashboard's orders by state."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest

from functions.stock_stream_publisher import handler as publisher
from shared.adapters.dynamodb_orders import ORDER_PREFIX
from shared.adapters.stream_images import ITEM_IMAGES
from shared.observability import metrics


def test_each_published_order_event_is_counted_by_its_type(monkeypatch: pytest.MonkeyPatch) -> None:
    published: list[Any] = []
    monkeypatch.setattr(publisher.wiring, "event_publisher", lambda: SimpleNamespace(publish=published.extend))
    events = [SimpleNamespace(detail_type="OrderReadyForPickup"), SimpleNamespace(detail_type="OrderReadyForPickup")]
    orders = replace(ITEM_IMAGES[ORDER_PREFIX], decode=lambda image: object(),
                     events=lambda before, after, occurred: events if before is None else [])
    monkeypatch.setitem(ITEM_IMAGES, ORDER_PREFIX, orders)
    counted: list[tuple[str, str, float]] = []  # what reaches Metrics, whether or not it is flushed
    monkeypatch.setattr(metrics, "add_metric", lambda name, unit, value, **_: counted.append((name, str(unit), value)))
    key = {"pk": {"S": f"{ORDER_PREFIX}o-1"}}
    publisher.publish_record(SimpleNamespace(raw_event={"dynamodb": {"Keys": key, "NewImage": key | {"status": {}}}}))
    assert published == events
    assert [(name, value) for name, _, value in counted] == [("OrderReadyForPickup", 1), ("OrderReadyForPickup", 1)]
    assert all("Count" in unit for _, unit, _ in counted)
