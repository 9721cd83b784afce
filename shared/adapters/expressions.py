"""Build DynamoDB update and condition expressions from parts, never by editing their text.

Every attribute name goes through a placeholder (``committed``, ``status`` and ``lines`` are
reserved words) and every value through a numbered one, so parts added by different rules can
be combined in any order; setting an attribute twice replaces the first part, on purpose.
"""

from __future__ import annotations

import re
from typing import Any

from shared.adapters import items

# An attribute: ``"on_hand"``, a map path ``"last_change.at"``, or a path given part by part
# (``("remaining", sku)``) when a part may hold a dot itself (SKUs do).
Attribute = str | tuple[str, ...]


class Update:
    """An UpdateItem (or a transaction's Update) of one item, assembled part by part."""

    def __init__(self, key: dict[str, Any]) -> None:
        self._key = key
        self._sets: dict[Attribute, str] = {}
        self._removes: list[str] = []
        self._conditions: list[str] = []
        self._names: dict[str, str] = {}  # placeholder -> name
        self._name_ids: dict[str, str] = {}  # name -> placeholder
        self._values: dict[str, Any] = {}
        self._value_ids: dict[str, str] = {}

    # -- operands --------------------------------------------------------------------------

    def name(self, attribute: Attribute) -> str:
        """A placeholder for an attribute or a map path (``remaining.SKU-1``, or part by part)."""
        parts = []
        for part in attribute if isinstance(attribute, tuple) else attribute.split("."):
            if part not in self._name_ids:
                self._name_ids[part] = f"#n{len(self._name_ids)}"
                self._names[self._name_ids[part]] = part
            parts.append(self._name_ids[part])
        return ".".join(parts)

    def value(self, value: Any) -> str:
        """A placeholder for a value; equal values share one (DynamoDB refuses unused ones)."""
        attr = items.to_attr(value)
        identity = repr(attr)
        if identity not in self._value_ids:
            self._value_ids[identity] = f":v{len(self._value_ids)}"
            self._values[self._value_ids[identity]] = attr
        return self._value_ids[identity]

    def current(self, attribute: Attribute, default: Any = 0) -> str:
        """The stored value, or ``default`` for an item (or attribute) written for the first time."""
        return f"if_not_exists({self.name(attribute)}, {self.value(default)})"

    # -- SET / REMOVE ----------------------------------------------------------------------

    def set(self, attribute: Attribute, value: Any) -> Update:
        self._sets[attribute] = self.value(value)
        return self

    def set_expression(self, attribute: Attribute, expression: str) -> Update:
        """A value made of operands of this builder (``current``, ``value``)."""
        self._sets[attribute] = expression
        return self

    def keep(self, attribute: Attribute, default: Any) -> Update:
        """Written once (the first write's default), never overwritten."""
        return self.set_expression(attribute, self.current(attribute, default))

    def add(self, attribute: Attribute, amount: int) -> Update:
        """Move a number by ``amount`` (from 0 when absent)."""
        if amount >= 0:
            return self.set_expression(attribute, f"{self.current(attribute)} + {self.value(amount)}")
        return self.set_expression(attribute, f"{self.current(attribute)} - {self.value(-amount)}")

    def remove(self, attribute: Attribute) -> Update:
        self._removes.append(self.name(attribute))
        return self

    # -- conditions (all must hold) --------------------------------------------------------

    def require(self, condition: str) -> Update:
        """A condition written with this builder's operands (parenthesise an OR)."""
        self._conditions.append(condition)
        return self

    def require_at_least(self, attribute: Attribute, minimum: int) -> Update:
        return self.require(f"{self.name(attribute)} >= {self.value(minimum)}")

    def require_equal(self, attribute: Attribute, value: Any) -> Update:
        return self.require(f"{self.name(attribute)} = {self.value(value)}")

    def require_absent_or_below(self, attribute: Attribute, value: Any) -> Update:
        name = self.name(attribute)
        return self.require(f"(attribute_not_exists({name}) OR {name} < {self.value(value)})")

    # -- result ----------------------------------------------------------------------------

    def build(self) -> dict[str, Any]:
        expression = "SET " + ", ".join(f"{self.name(attr)} = {part}" for attr, part in self._sets.items())
        if self._removes:
            expression += " REMOVE " + ", ".join(self._removes)
        request: dict[str, Any] = {"Key": self._key, "UpdateExpression": expression}
        if self._conditions:
            request["ConditionExpression"] = " AND ".join(self._conditions)
        # only the placeholders the expressions read: a part replaced by a later one may leave some
        # behind, and DynamoDB refuses a request with unused ones
        used = set(re.findall(r"[#:]\w+", f"{expression} {request.get('ConditionExpression', '')}"))
        request["ExpressionAttributeNames"] = {k: v for k, v in self._names.items() if k in used}
        values = {k: v for k, v in self._values.items() if k in used}
        if values:
            request["ExpressionAttributeValues"] = values
        return request
