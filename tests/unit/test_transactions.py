"""The fakes' transaction keeps DynamoDB's rules, so a use case that passes its unit stories also
commits on DynamoDB: all or nothing, each item once, at most MAX_WRITES writes."""

from __future__ import annotations

import pytest

from shared.transactions import MAX_WRITES, Failure, Refused, TooManyWrites
from tests.fakes.transaction import MemoryTransaction


def test_one_failed_condition_writes_nothing_and_names_what_failed() -> None:
    # given two writes, the second refused
    written: list[str] = []
    tx = MemoryTransaction()
    tx.add(item=("A",), check=lambda: None, apply=lambda: written.append("A"))
    tx.add(item=("B",), check=lambda: Failure("B", current=3), apply=lambda: written.append("B"))
    # when it commits
    with pytest.raises(Refused) as refused:
        tx.commit()
    # then neither is written, and the refusal says which write and what was there
    assert written == [] and refused.value.about("B") == Failure("B", 3) and refused.value.about("A") is None


def test_an_item_is_written_once_per_transaction() -> None:
    tx = MemoryTransaction()
    tx.add(item=("SKU", "A", "store"), check=lambda: None, apply=lambda: None)
    with pytest.raises(ValueError, match="twice"):
        tx.add(item=("SKU", "A", "store"), check=lambda: None, apply=lambda: None)


def test_more_writes_than_one_transaction_holds_are_refused_before_any_applies() -> None:
    written: list[int] = []
    tx = MemoryTransaction()
    for number in range(MAX_WRITES + 1):
        tx.add(item=(number,), check=lambda: None, apply=lambda number=number: written.append(number))
    with pytest.raises(TooManyWrites):
        tx.commit()
    assert written == []
