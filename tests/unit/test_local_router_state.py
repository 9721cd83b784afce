"""Containers of the local system run in threads of one process; Powertools keeps the resolver's
current event on a class. Each invocation must see its own event however the threads interleave."""

from __future__ import annotations

import threading

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.api_gateway import BaseRouter

from local.lambdas import keep_router_state_per_thread


def test_an_invocation_keeps_its_own_event_while_another_thread_sets_one() -> None:
    keep_router_state_per_thread()
    first, second = APIGatewayHttpResolver(), APIGatewayHttpResolver()
    set_by_first, set_by_second = threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def invocation_one() -> None:
        BaseRouter.current_event = "event of invocation one"  # what resolve() does
        set_by_first.set()
        set_by_second.wait(5)  # the other invocation sets its event meanwhile
        seen["one"] = first.current_event

    def invocation_two() -> None:
        set_by_first.wait(5)
        BaseRouter.current_event = "event of invocation two"
        seen["two"] = second.current_event
        set_by_second.set()

    threads = [threading.Thread(target=invocation_one), threading.Thread(target=invocation_two)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == {"one": "event of invocation one", "two": "event of invocation two"}


def test_installing_twice_changes_nothing() -> None:
    keep_router_state_per_thread()
    keep_router_state_per_thread()
    BaseRouter.lambda_context = "context"
    assert APIGatewayHttpResolver().lambda_context == "context"
