"""Customers' contacts in memory: what the customer records would give the notifier."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from shared.orders.model import Contact


@dataclass
class MemoryCustomerContacts:
    known: dict[str, Contact] = field(default_factory=dict)
    erased: set[str] = field(default_factory=set)

    def add(self, customer_id: str, email: str, language: str = "nl") -> None:
        self.known[customer_id] = Contact(email=email, language=language)

    def erase(self, customer_id: str) -> None:
        self.erased.add(customer_id)

    def contact_of(self, customer_id: str) -> Contact | None:
        return None if customer_id in self.erased else self.known.get(customer_id)


if TYPE_CHECKING:  # mypy holds the fake to the port it stands in for
    from shared.notifications.ports import CustomerContacts

    _contacts: CustomerContacts = MemoryCustomerContacts()
