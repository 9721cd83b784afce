"""Customers in DynamoDB.

Customer: pk=CUSTOMER#<id>, sk=# (other sort keys under that pk belong to loyalty). Its card:
pk=CARD#<number>, sk=# -> customer_id. Its e-mail: pk=EMAIL#<sha256 of the lower-case address>,
sk=# -> customer_id (no personal data in keys). Enrolment writes all three, new only, in one
transaction: an id, card or e-mail that exists refuses it. Erasure deletes card and e-mail items.
"""

from __future__ import annotations

from typing import Any

from shared.adapters import items
from shared.adapters.aws import client
from shared.adapters.dynamodb_transaction import dynamodb
from shared.customers.model import CardClaim, Channel, Consents, Customer, EmailClaim, email_hash
from shared.notifications.model import language_or
from shared.orders.model import Contact
from shared.settings import settings
from shared.transactions import Transaction

CUSTOMER_PREFIX = "CUSTOMER#"
CARD_PREFIX = "CARD#"
EMAIL_PREFIX = "EMAIL#"


def _customer_key(customer_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"{CUSTOMER_PREFIX}{customer_id}"}, "sk": {"S": "#"}}


def _card_key(card_number: str) -> dict[str, Any]:
    return {"pk": {"S": f"{CARD_PREFIX}{card_number}"}, "sk": {"S": "#"}}


def _email_key(hashed: str) -> dict[str, Any]:
    return {"pk": {"S": f"{EMAIL_PREFIX}{hashed}"}, "sk": {"S": "#"}}


def customer_to_item(c: Customer) -> dict[str, Any]:
    return _customer_key(c.customer_id) | items.to_item({
        "customer_id": c.customer_id, "name": c.name, "email": c.email, "phone": c.phone, "language": c.language,
        "consents": {"marketing_email": c.consents.marketing_email, "marketing_sms": c.consents.marketing_sms},
        "card_number": c.card_number, "created_at": items.stamp(c.created_at), "created_by": c.created_by.value,
        "erased": c.erased, "version": c.version, "fingerprint": c.fingerprint, "enrolled_at": c.enrolled_at,
    })


def customer_from_item(item: dict[str, Any]) -> Customer:
    v = items.from_item(item)
    consents = v.get("consents") or {}
    return Customer(
        customer_id=str(v["customer_id"]), name=v.get("name"), email=v.get("email"), phone=v.get("phone"),
        language=str(v.get("language", "nl")),
        consents=Consents(marketing_email=bool(consents.get("marketing_email", False)),
                          marketing_sms=bool(consents.get("marketing_sms", False))),
        card_number=str(v["card_number"]), created_at=items.parse_stamp(v["created_at"]),
        created_by=Channel(v["created_by"]), erased=bool(v.get("erased", False)), version=int(v.get("version", 1)),
        fingerprint=str(v.get("fingerprint", "")), enrolled_at=v.get("enrolled_at"),
    )


def _customer_or_none(item: dict[str, Any] | None) -> Customer | None:
    return customer_from_item(item) if item and "created_by" in item else None


def _holder(item: dict[str, Any] | None) -> str | None:
    """The customer id a card or e-mail item points to."""
    return str(item["customer_id"]["S"]) if item and "customer_id" in item else None


def _pointer(key: dict[str, Any], customer_id: str) -> dict[str, Any]:
    return key | {"customer_id": {"S": customer_id}}


def _only_theirs(customer_id: str) -> dict[str, Any]:
    """A card or e-mail item is deleted only while it is this customer's."""
    return {"ConditionExpression": "attribute_not_exists(pk) OR customer_id = :c",
            "ExpressionAttributeValues": {":c": {"S": customer_id}}}


def _on_version(version: int) -> dict[str, Any]:
    return {"ConditionExpression": "version = :v", "ExpressionAttributeValues": {":v": items.to_attr(version)}}


class DynamoDBCustomerStore:
    def __init__(self, table_name: str | None = None) -> None:
        self._table = table_name or settings().table_name

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    # -- writes (added to the caller's transaction) -------------------------------------

    def add_registered(self, tx: Transaction, *, customer: Customer) -> None:
        writes = dynamodb(tx)
        writes.put(customer_to_item(customer), subject=customer, new=True, decode=_customer_or_none)
        writes.put(_pointer(_card_key(customer.card_number), customer.customer_id),
                   subject=CardClaim(customer.card_number), new=True, decode=_holder)
        if customer.email:
            hashed = email_hash(customer.email)
            writes.put(_pointer(_email_key(hashed), customer.customer_id), subject=EmailClaim(hashed), new=True,
                       decode=_holder)

    def add_saved(self, tx: Transaction, *, before: Customer, after: Customer) -> None:
        dynamodb(tx).put(customer_to_item(after), subject=after, condition=_on_version(before.version),
                         decode=_customer_or_none)

    def add_erased(self, tx: Transaction, *, before: Customer, after: Customer) -> None:
        writes = dynamodb(tx)
        writes.put(customer_to_item(after), subject=after, condition=_on_version(before.version),
                   decode=_customer_or_none)
        writes.add("Delete", {"Key": _card_key(before.card_number), **_only_theirs(before.customer_id)},
                   subject=CardClaim(before.card_number))
        if before.email:
            hashed = email_hash(before.email)
            writes.add("Delete", {"Key": _email_key(hashed), **_only_theirs(before.customer_id)},
                       subject=EmailClaim(hashed))

    # -- reads ---------------------------------------------------------------------------

    def contact_of(self, customer_id: str) -> Contact | None:
        """Where messages reach a customer (notifications' CustomerContacts): none once erased or without e-mail."""
        customer = self.get(customer_id)
        if customer is None or customer.erased or not customer.email:
            return None
        return Contact(email=customer.email, language=language_or(customer.language))

    def get(self, customer_id: str) -> Customer | None:
        item = self._db.get_item(TableName=self._table, Key=_customer_key(customer_id),
                                 ConsistentRead=True).get("Item")
        return _customer_or_none(item)

    def _by_pointer(self, key: dict[str, Any]) -> Customer | None:
        holder = _holder(self._db.get_item(TableName=self._table, Key=key, ConsistentRead=True).get("Item"))
        return self.get(holder) if holder else None

    def find_by_card(self, card_number: str) -> Customer | None:
        return self._by_pointer(_card_key(card_number))

    def find_by_email(self, email: str) -> Customer | None:
        return self._by_pointer(_email_key(email_hash(email)))
