"""In the local system every function logs under its own name, as on AWS, also while other
functions run at the same time (they share one process and one Powertools logger)."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass

from local.lambdas import FunctionPool
from shared.observability import logger


@dataclass
class _Function:
    name: str
    handler: str = "tests.unit.logging_probe"
    memory_mb: int = 256


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.logged: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.logged.append(json.loads(logger.registered_formatter.format(record)))


def test_each_function_logs_its_own_name_while_another_runs() -> None:
    first, second = FunctionPool(_Function("orders-api")), FunctionPool(_Function("customer-notifier"))  # type: ignore[arg-type]
    started, go = threading.Event(), threading.Event()
    lines = _Lines()
    logger.addHandler(lines)
    try:
        slow = threading.Thread(target=first.invoke, args=({"name": "first", "started": started, "go": go},))
        slow.start()
        assert started.wait(5)
        second.invoke({"name": "second"})  # starts and ends while the first is still running
        go.set()
        slow.join(5)
    finally:
        logger.removeHandler(lines)
    names = {line["probe"]: (line.get("function_name"), line.get("service")) for line in lines.logged}
    assert names == {"first": ("orders-api", "orders-api"), "second": ("customer-notifier", "customer-notifier")}
