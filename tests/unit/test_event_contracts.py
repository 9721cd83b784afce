"""Event contracts: generated schemas are current, samples conform, published events conform."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from events.contracts import CONSUMED, PUBLISHED, ChangeInfo, envelope_model
from events.generate import SCHEMAS, schema_documents
from shared.stock.model import StockLevel
from shared.stock.publishing import event_id, events_for_commit
from shared.stock.signals import StockSignal

SAMPLES = Path(__file__).resolve().parents[2] / "events" / "samples"


def test_committed_schemas_are_current() -> None:
    expected = schema_documents()
    on_disk = {p.name: p.read_text() for p in SCHEMAS.glob("*.json")}
    assert on_disk == expected, "run: make schemas"


@pytest.mark.parametrize("detail_type", sorted(PUBLISHED | CONSUMED))
def test_every_event_type_has_a_sample_that_conforms(detail_type: str) -> None:
    sample = json.loads((SAMPLES / f"{detail_type}.json").read_text())
    assert sample["detail-type"] == detail_type
    parsed = envelope_model(detail_type).model_validate(sample["detail"])
    assert parsed.metadata.event_type == detail_type


def test_published_events_conform_and_have_stable_ids() -> None:
    before = StockLevel(sku="S", location_id="l", on_hand=1, low_stock_threshold=2, version=4)
    after = StockLevel(sku="S", location_id="l", on_hand=0, low_stock_threshold=2, version=5)
    change = ChangeInfo(change_id="c", kind="sale", on_hand_delta=-1, source="pos")
    events = events_for_commit(before=before, after=after, change=change, occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
                               correlation_id="corr")
    assert [e.detail_type for e in events] == ["StockChanged", "OutOfStock"]
    for event in events:
        envelope_model(event.detail_type).model_validate(event.detail)
    again = events_for_commit(before=before, after=after, change=change, occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
                              correlation_id="corr")
    assert [e.detail["metadata"]["event_id"] for e in again] == [e.detail["metadata"]["event_id"] for e in events]
    assert events[0].detail["metadata"]["event_id"] == event_id(after, StockSignal.CHANGED)
