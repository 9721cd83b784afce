"""Customers in memory: the customer records, the cards and e-mail index (taken once each), and
the online accounts a real user pool would hold."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.customers.model import CardClaim, Customer, EmailClaim, email_hash
from shared.transactions import Failure, Transaction
from tests.fakes.transaction import memory


class MemoryCustomerStore:
    def __init__(self) -> None:
        self.customers: dict[str, Customer] = {}
        self.cards: dict[str, str] = {}  # number -> customer id
        self.emails: dict[str, str] = {}  # sha256 of the address -> customer id

    def add_registered(self, tx: Transaction, *, customer: Customer) -> None:
        writes = memory(tx)
        writes.add(item=("CUSTOMER", customer.customer_id),
                   check=lambda: Failure(customer, self.customers[customer.customer_id])
                   if customer.customer_id in self.customers else None,
                   apply=lambda: self.customers.__setitem__(customer.customer_id, customer))
        card = CardClaim(customer.card_number)
        writes.add(item=("CARD", card.card_number),
                   check=lambda: Failure(card, self.cards[card.card_number])
                   if card.card_number in self.cards else None,
                   apply=lambda: self.cards.__setitem__(card.card_number, customer.customer_id))
        if customer.email:
            claim = EmailClaim(email_hash(customer.email))
            writes.add(item=("EMAIL", claim.email_hash),
                       check=lambda: Failure(claim, self.emails[claim.email_hash])
                       if claim.email_hash in self.emails else None,
                       apply=lambda: self.emails.__setitem__(claim.email_hash, customer.customer_id))

    def _on_version(self, before: Customer, after: Customer) -> Failure | None:
        current = self.customers.get(before.customer_id)
        return None if current is not None and current.version == before.version else Failure(after, current)

    def add_saved(self, tx: Transaction, *, before: Customer, after: Customer) -> None:
        memory(tx).add(item=("CUSTOMER", before.customer_id), check=lambda: self._on_version(before, after),
                       apply=lambda: self.customers.__setitem__(after.customer_id, after))

    def add_erased(self, tx: Transaction, *, before: Customer, after: Customer) -> None:
        writes = memory(tx)
        self.add_saved(tx, before=before, after=after)
        writes.add(item=("CARD", before.card_number), check=lambda: None,
                   apply=lambda: self._forget(self.cards, before.card_number))
        if before.email:
            hashed = email_hash(before.email)
            writes.add(item=("EMAIL", hashed), check=lambda: None, apply=lambda: self._forget(self.emails, hashed))

    @staticmethod
    def _forget(index: dict[str, str], key: str) -> None:
        index.pop(key, None)

    def get(self, customer_id: str) -> Customer | None:
        return self.customers.get(customer_id)

    def find_by_card(self, card_number: str) -> Customer | None:
        holder = self.cards.get(card_number)
        return self.customers.get(holder) if holder else None

    def find_by_email(self, email: str) -> Customer | None:
        holder = self.emails.get(email_hash(email))
        return self.customers.get(holder) if holder else None


class MemoryAccounts:
    """A user pool: one user per e-mail, with the customer id it belongs to."""

    def __init__(self) -> None:
        self.users: dict[str, tuple[str, str]] = {}  # username -> (customer id, language)
        self.fail_next = False  # the pool is unavailable once

    def invite(self, customer_id: str, email: str, language: str) -> None:
        if self.fail_next:
            from shared.errors import Unavailable

            self.fail_next = False
            raise Unavailable("The online account could not be made now.", retry_after_seconds=1)
        self.users.setdefault(email, (customer_id, language))

    def delete(self, customer_id: str, email: str | None = None) -> None:
        self.users.pop(email or customer_id, None)


if TYPE_CHECKING:  # mypy holds the fakes to the ports they stand in for
    from shared.customers.ports import Accounts, CustomerStore

    _store: CustomerStore = MemoryCustomerStore()
    _accounts: Accounts = MemoryAccounts()
