"""Domain errors carry no HTTP; the problem type of each is looked up along its class's MRO."""

from __future__ import annotations

import json

from shared import errors
from shared.errors import Conflict, DomainError, InsufficientStock, NotFound, RetryLater, TooManyRequests
from shared.http.problems import ProblemType, problem_for, problem_type, problem_types
from shared.orders.model import PickupCodeLocked


def test_a_subclass_has_its_own_type_where_it_has_one_and_its_parents_otherwise() -> None:
    class NoSuchShelf(NotFound):
        """A subclass nobody mapped."""

    assert problem_type(InsufficientStock) == ProblemType(409, "insufficient-stock", "Not enough stock")
    assert problem_type(Conflict).slug == "conflict"
    assert problem_type(NoSuchShelf("gone")) == problem_type(NotFound)
    assert problem_type(PickupCodeLocked("o-1")).slug == "pickup-code-locked"
    assert problem_type(PickupCodeLocked).status == problem_type(TooManyRequests).status == 429


def test_every_domain_error_maps_to_a_problem_and_none_carries_http() -> None:
    raised = [cls for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, DomainError)]
    assert all(problem_type(cls).status >= 400 for cls in raised)
    assert all(not hasattr(cls, attr) for cls in raised for attr in ("status", "slug", "title"))
    assert RetryLater not in problem_types()  # abstract: what it answers is its subclasses' to say


def test_a_problem_for_a_class_is_the_one_problem_shape() -> None:
    answer = problem_for(NotFound, "There is no such resource.")
    assert answer.status_code == 404
    assert json.loads(str(answer.body)) == {"type": "https://retail-backend.example/problems/not-found",
                                            "title": "Not found", "status": 404,
                                            "detail": "There is no such resource."}
