"""Queues and consumers as AWS recommends: visibility >= 6x the consumer's timeout, at least five
receives before the dead-letter queue, and a concurrency cap where a downstream quota exists."""

from __future__ import annotations

import pytest

from infra.topology import TOPOLOGY
from tests.infra.synth import Synthesized, get_att_id

pytestmark = pytest.mark.infra


def _consumed_queues(synthesized: Synthesized) -> list[tuple[str, dict, dict, dict]]:
    """(function name, queue properties, mapping properties, function properties) per SQS consumer."""
    found = []
    for name, (_, fn) in synthesized.functions_by_service().items():
        for mapping in synthesized.mappings_of(name):
            source = synthesized.resources[get_att_id(mapping["EventSourceArn"])]
            if source["Type"] == "AWS::SQS::Queue":
                found.append((name, source["Properties"], mapping, fn["Properties"]))
    return found


def test_every_queue_hides_a_message_at_least_six_times_its_consumers_timeout(synthesized: Synthesized) -> None:
    consumed = _consumed_queues(synthesized)
    assert len(consumed) == len(TOPOLOGY.queues)
    for name, queue, _, fn in consumed:
        assert queue["VisibilityTimeout"] >= 6 * fn["Timeout"], name


def test_every_redrive_allows_at_least_five_receives(synthesized: Synthesized) -> None:
    policies = [q["Properties"]["RedrivePolicy"] for q in synthesized.of_type("AWS::SQS::Queue").values()
                if "RedrivePolicy" in q["Properties"]]
    assert len(policies) == len(TOPOLOGY.queues)
    assert all(policy["maxReceiveCount"] >= 5 for policy in policies)


def test_the_topology_declares_the_same_limits() -> None:
    for queue in TOPOLOGY.queues:
        consumer = TOPOLOGY.consumer_of(queue.name)
        assert queue.visibility_timeout_seconds >= 6 * consumer.timeout_seconds, queue.name
        assert queue.max_receive_count >= 5, queue.name


def test_senders_of_email_and_sms_are_capped_against_the_quotas(synthesized: Synthesized) -> None:
    senders = [fn for fn in TOPOLOGY.functions if fn.sends_messages]
    assert senders
    for spec in senders:
        assert spec.queue is not None
        cap = TOPOLOGY.queue(spec.queue).max_concurrency
        assert cap is not None and 2 <= cap <= 5, spec.name
        (mapping,) = synthesized.mappings_of(spec.name)
        assert mapping["ScalingConfig"] == {"MaximumConcurrency": cap}
