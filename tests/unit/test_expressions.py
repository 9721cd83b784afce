"""The expression builder: parts combine in any order and a request carries only what it reads."""

from __future__ import annotations

from shared.adapters.expressions import Update

KEY = {"pk": {"S": "SKU#A"}, "sk": {"S": "LOC#x"}}


def test_a_replaced_part_leaves_no_placeholder_behind() -> None:
    # given a default that a later rule replaces with a value of its own
    update = Update(KEY).keep("safety_stock", 7).set("safety_stock", 3)
    # when the request is built
    request = update.build()
    # then DynamoDB gets only what the expression reads (it refuses unused placeholders)
    assert request["UpdateExpression"] == "SET #n0 = :v1"
    assert request["ExpressionAttributeNames"] == {"#n0": "safety_stock"}
    assert request["ExpressionAttributeValues"] == {":v1": {"N": "3"}}


def test_equal_values_share_a_placeholder_and_reserved_words_are_named() -> None:
    request = Update(KEY).add("committed", 1).add("version", 1).require_at_least("status", 1).build()
    assert request["UpdateExpression"] == "SET #n0 = if_not_exists(#n0, :v0) + :v1, #n1 = if_not_exists(#n1, :v0) + :v1"
    assert request["ConditionExpression"] == "#n2 >= :v1"
    assert set(request["ExpressionAttributeValues"]) == {":v0", ":v1"}


def test_a_part_with_a_dot_is_one_name_when_given_part_by_part() -> None:
    request = Update(KEY).add(("remaining", "SKU.1"), -2).build()
    assert request["UpdateExpression"] == "SET #n0.#n1 = if_not_exists(#n0.#n1, :v0) - :v1"
    assert request["ExpressionAttributeNames"] == {"#n0": "remaining", "#n1": "SKU.1"}


def test_ten_or_more_placeholders_are_told_apart() -> None:
    update = Update(KEY)
    for number in range(12):
        update.set(f"a{number}", number + 100)
    request = update.build()
    assert len(request["ExpressionAttributeNames"]) == 12 and len(request["ExpressionAttributeValues"]) == 12
