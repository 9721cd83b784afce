"""Every dedupe record outlives the longest time a message can come back (DLQ, archive replay)."""

from __future__ import annotations

import pytest

from functions.customer_notifier.handler import config as customer_notifier_config
from functions.store_notifier.handler import config as store_notifier_config
from infra.topology import REDELIVERY
from shared.settings import Settings
from tests.infra.synth import Synthesized

pytestmark = pytest.mark.infra
DAY = 24 * 3600


def _longest_comeback_seconds(synthesized: Synthesized) -> int:
    """Archive replay window + the longest a queue (dead-letter or source) keeps a message, twice."""
    (archive,) = synthesized.of_type("AWS::Events::Archive").values()
    retention_days = archive["Properties"].get("RetentionDays")
    assert retention_days, "an archive kept forever can replay anything: give it a retention"
    queues = [int(q["Properties"]["MessageRetentionPeriod"]) for q in synthesized.of_type("AWS::SQS::Queue").values()
              if "MessageRetentionPeriod" in q["Properties"]]
    source_queue = min(queues)
    return int(retention_days) * DAY + max(queues) + source_queue


def test_the_template_keeps_messages_no_longer_than_the_topology_window(synthesized: Synthesized) -> None:
    assert _longest_comeback_seconds(synthesized) <= REDELIVERY.window_days * DAY


def test_idempotency_and_notifier_records_outlive_every_redelivery(synthesized: Synthesized) -> None:
    longest = _longest_comeback_seconds(synthesized)
    assert Settings(table_name="t").idempotency_ttl_days * DAY > longest
    assert customer_notifier_config.expires_after_seconds > longest
    assert store_notifier_config.expires_after_seconds > longest
