"""Carrier status updates for orders.

# placeholder: the lead replaces this module (it exists so that the sweeper's wiring and its
# least-privilege grants can be built and tested in the carriers branch).
"""

from __future__ import annotations

from shared.carriers.model import StatusUpdate


def carrier_update(*, update: StatusUpdate) -> str:  # placeholder: the lead replaces this module
    """"applied" when the update moved an order's fulfilment on, "ignored" otherwise."""
    return "ignored"
