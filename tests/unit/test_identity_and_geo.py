import pytest

from shared.errors import Forbidden, NotFound
from shared.geo import distance_km
from shared.identity import PUBLIC, caller_from_claims


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


def test_distance_between_amsterdam_and_utrecht() -> None:
    assert distance_km(52.3709, 4.8914, 52.0894, 5.1197) == pytest.approx(35.2, abs=0.5)
    assert distance_km(52.0, 5.0, 52.0, 5.0) == 0
