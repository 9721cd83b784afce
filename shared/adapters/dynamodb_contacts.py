"""Where a customer is reached, read from their customer record (pk=CUSTOMER#<id>, sk=#).

Reads only ``email``, ``language`` and ``erased`` of the record the customers capability owns;
an erased customer, or one without an e-mail address, is not reached.
"""

from __future__ import annotations

from typing import Any

from shared.adapters import items
from shared.adapters.aws import client
from shared.notifications.model import Contact, language_or
from shared.settings import settings

CUSTOMER_PREFIX = "CUSTOMER#"


class DynamoDBCustomerContacts:
    def __init__(self, table_name: str | None = None) -> None:
        self._table = table_name or settings().table_name

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    def contact_of(self, customer_id: str) -> Contact | None:
        item = self._db.get_item(
            TableName=self._table, Key={"pk": {"S": f"{CUSTOMER_PREFIX}{customer_id}"}, "sk": {"S": "#"}},
            ProjectionExpression="#email, #language, #erased",
            ExpressionAttributeNames={"#email": "email", "#language": "language", "#erased": "erased"},
        ).get("Item")
        values = items.from_item(item) if item else {}
        if not values.get("email") or values.get("erased"):
            return None
        return Contact(email=str(values["email"]), language=language_or(values.get("language")))
