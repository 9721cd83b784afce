"""Lambda's execution model, locally: a pool of containers per function.

A container runs one invocation at a time and keeps its module state between calls, as on
AWS. Each container loads its own copy of the handler module; a new container is a cold start.
What the libraries keep per process (Powertools' router state) is kept per thread here, so
concurrent invocations never see each other's event.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from infra.topology import Function


@dataclass
class FakeContext:
    function_name: str
    aws_request_id: str
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = ""
    log_group_name: str = ""
    log_stream_name: str = ""

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 10_000


@contextmanager
def _logging_as(context: FakeContext) -> Iterator[None]:
    """Log lines name this invocation's function, as on AWS (one function per process there).

    Here every function shares one process and one Powertools logger, whose Lambda-context keys
    are process-wide: a function starting elsewhere would rename this one's lines. Keys set for
    this thread (checked after the process-wide ones) keep each invocation's own; ``service``
    is the function's name, as the stack sets POWERTOOLS_SERVICE_NAME.
    """
    from shared.observability import logger

    keys = {"function_name": context.function_name, "function_arn": context.invoked_function_arn,
            "function_memory_size": context.memory_limit_in_mb, "function_request_id": context.aws_request_id,
            "service": context.function_name}
    logger.thread_safe_append_keys(**keys)
    try:
        yield
    finally:
        logger.thread_safe_remove_keys(keys)


class _PerThread:
    """A class attribute whose value belongs to the thread that set it (get and set, on the class
    and on its instances)."""

    def __init__(self, name: str) -> None:
        self._name, self._values = name, threading.local()

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        try:
            return getattr(self._values, "value")  # noqa: B009 - a thread's own slot
        except AttributeError:
            raise AttributeError(self._name) from None

    def __set__(self, instance: Any, value: Any) -> None:
        self._values.value = value


_ROUTER_STATE = ("current_event", "lambda_context")
_router_state_installed = False


def keep_router_state_per_thread() -> None:
    """Powertools' resolver keeps the current event and context on the class ``BaseRouter``:
    shared by every resolver of the process. On AWS a process runs one invocation at a time;
    here containers of every function run at once in threads of one process, and an
    invocation read another's event (its body, under its own idempotency key) under load."""
    global _router_state_installed
    if _router_state_installed:
        return
    from aws_lambda_powertools.event_handler.api_gateway import BaseRouter

    class RouterStatePerThread(type(BaseRouter)):  # type: ignore[misc]
        def __setattr__(cls, name: str, value: Any) -> None:
            if name in _ROUTER_STATE:  # "BaseRouter.current_event = ...": this thread's slot
                type.__getattribute__(BaseRouter, "__dict__")[name].__set__(None, value)
                return
            super().__setattr__(name, value)

    for name in _ROUTER_STATE:
        type.__setattr__(BaseRouter, name, _PerThread(name))
    BaseRouter.__class__ = RouterStatePerThread  # type: ignore[method-assign]
    _router_state_installed = True


class FunctionPool:
    def __init__(self, function: Function, max_containers: int = 16) -> None:
        keep_router_state_per_thread()
        self.function = function
        self._idle: list[ModuleType] = []
        self._made = 0
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(max_containers)
        self.cold_starts = 0

    def _new_container(self, number: int) -> ModuleType:
        spec = importlib.util.find_spec(self.function.handler)
        assert spec is not None and spec.origin is not None, self.function.handler
        name = f"{self.function.handler}__container{number}"
        copy_spec = importlib.util.spec_from_file_location(name, spec.origin)
        assert copy_spec is not None and copy_spec.loader is not None
        module = importlib.util.module_from_spec(copy_spec)
        sys.modules[name] = module
        copy_spec.loader.exec_module(module)
        self.cold_starts += 1
        return module

    def invoke(self, event: dict[str, Any]) -> Any:
        with self._slots:
            with self._lock:
                container = self._idle.pop() if self._idle else None
                number = self._made
                self._made += container is None
            if container is None:
                container = self._new_container(number)
            context = FakeContext(function_name=self.function.name, aws_request_id=str(uuid.uuid4()),
                                  memory_limit_in_mb=self.function.memory_mb,
                                  invoked_function_arn=f"arn:aws:lambda:eu-west-1:123456789012:function:{self.function.name}")
            try:
                with _logging_as(context):
                    return container.lambda_handler(event, context)
            finally:
                with self._lock:
                    self._idle.append(container)
