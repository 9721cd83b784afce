import pytest

from shared.errors import Forbidden, NotFound
from shared.geo import distance_km
from shared.identity import PUBLIC, caller_from_claims, customer_id_from_claims


def test_claims_as_api_gateway_passes_them() -> None:
    staff = caller_from_claims({"sub": "u1", "cognito:groups": "[staff]", "custom:location_id": "utrecht"})
    assert (staff.role, staff.location_id, staff.principal) == ("staff", "utrecht", "staff:u1")
    assert caller_from_claims({"sub": "a", "cognito:groups": ["customer", "admin"]}).role == "admin"
    machine = caller_from_claims({"client_id": "erp", "scope": "retail-api/integration"})
    assert (machine.role, machine.subject) == ("integration", "erp")
    assert caller_from_claims({"sub": "x", "cognito:groups": "[]"}) == PUBLIC
    assert caller_from_claims(None) == PUBLIC


def test_a_customer_token_cannot_claim_a_location() -> None:
    customer = caller_from_claims({"sub": "c", "cognito:groups": "[customer]", "custom:location_id": "utrecht"})
    assert customer.location_id is None
    with pytest.raises(NotFound):
        customer.require_location("utrecht")
    with pytest.raises(Forbidden):
        customer.require({"admin"})


def test_a_customers_id_is_their_customer_id_claim_else_their_sub() -> None:
    """A user made for a store-enrolled customer carries the id of their card and purchases; an online
    sign-up's id is its sub. Only the admin API sets the claim (the app client may not write it)."""
    enrolled = caller_from_claims({"sub": "cognito-sub", "cognito:groups": "[customer]",
                                   "custom:customer_id": "c-enrolled", "email": "a@example.nl"})
    assert (enrolled.subject, enrolled.principal, enrolled.email) == ("c-enrolled", "customer:c-enrolled",
                                                                      "a@example.nl")
    assert caller_from_claims({"sub": "sub-1", "cognito:groups": "[customer]"}).subject == "sub-1"
    assert customer_id_from_claims({"sub": "sub-1", "custom:customer_id": ""}) == "sub-1"
    staff = caller_from_claims({"sub": "kees", "cognito:groups": "[staff]", "custom:customer_id": "c-enrolled",
                                "custom:location_id": "utrecht", "email": "k@example.nl"})
    assert (staff.subject, staff.email) == ("kees", None)  # only customers are known by their customer id


def test_distance_between_amsterdam_and_utrecht() -> None:
    assert distance_km(52.3709, 4.8914, 52.0894, 5.1197) == pytest.approx(35.2, abs=0.5)
    assert distance_km(52.0, 5.0, 52.0, 5.0) == 0
