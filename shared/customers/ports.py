"""What the customer use cases need from storage and from the identity provider."""

from __future__ import annotations

from typing import Protocol

from shared.customers.model import Customer
from shared.transactions import Transaction


class CustomerStore(Protocol):
    def add_registered(self, tx: Transaction, *, customer: Customer) -> None:
        """The customer, its card and its e-mail index, new only. Refused with subject ``customer``
        (current: the stored Customer) when the id exists, ``CardClaim``/``EmailClaim`` (current:
        the customer id holding it) when the card or e-mail belongs to someone."""
        ...

    def add_saved(self, tx: Transaction, *, before: Customer, after: Customer) -> None:
        """The profile of ``after``, refused (subject ``after``, current: the stored Customer) when it
        changed since ``before`` was read. E-mail and card do not change here."""
        ...

    def add_erased(self, tx: Transaction, *, before: Customer, after: Customer) -> None:
        """``after`` (without personal data) in place of ``before``; its card and e-mail index
        items deleted. Refused (subject ``after``) when the customer changed meanwhile."""
        ...

    def get(self, customer_id: str) -> Customer | None: ...

    def find_by_card(self, card_number: str) -> Customer | None: ...

    def find_by_email(self, email: str) -> Customer | None: ...


class Accounts(Protocol):
    """The online accounts (Cognito): a customer enrolled in a store is invited to activate one."""

    def invite(self, customer_id: str, email: str, language: str) -> None:
        """A user linked to the customer (custom:customer_id); an existing one is left as it is."""
        ...

    def delete(self, customer_id: str, email: str | None = None) -> None:
        """The customer's user, if any (erasure), found by e-mail when known, else by id (an online
        sign-up's id is their user's ``sub``); none there is no error."""
        ...
