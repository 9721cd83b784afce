"""Powertools Logger, Tracer and Metrics, configured by environment (service name per function).

The X-Ray SDK costs about 160 ms at import (it builds its own X-Ray client for sampling), more
than a handler's own code. Powertools' Tracer loads it even when tracing is off, so it is given
the SDK only where a trace can be sent: in Lambda, unless POWERTOOLS_TRACE_DISABLED is set (the
rule Powertools itself applies). Elsewhere (tests, the local system, the bench) the same Tracer
and decorators run over a provider that records nothing.

With POWERTOOLS_METRICS_DISABLED (the local system) Powertools still prints the cold-start
metric as raw EMF JSON and warns on every flush without metrics; here switched off means silent.
"""

from __future__ import annotations

import os
from collections.abc import AsyncGenerator, Generator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics.functions import is_metrics_disabled
from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import AmazonCloudWatchEMFProvider
from aws_lambda_powertools.shared.functions import strtobool
from aws_lambda_powertools.tracing.base import BaseProvider, BaseSegment


def tracing_on() -> bool:
    """In Lambda (not SAM local, not Chalice) and not switched off by POWERTOOLS_TRACE_DISABLED."""
    if strtobool(os.getenv("POWERTOOLS_TRACE_DISABLED", "false")):
        return False
    return bool(os.getenv("LAMBDA_TASK_ROOT")) and not os.getenv("AWS_SAM_LOCAL") \
        and not os.getenv("AWS_CHALICE_CLI_MODE")


class _Unrecorded(BaseSegment):
    def close(self, end_time: int | None = None) -> None: ...
    def add_subsegment(self, subsegment: Any) -> None: ...
    def remove_subsegment(self, subsegment: Any) -> None: ...
    def put_annotation(self, key: str, value: Any) -> None: ...
    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None: ...
    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None: ...


class NoTracing(BaseProvider):
    """A tracing provider that records nothing and needs no X-Ray SDK."""

    @contextmanager
    def in_subsegment(self, name: Any = None, **kwargs: Any) -> Generator[BaseSegment, None, None]:
        yield _Unrecorded()

    @asynccontextmanager
    async def in_subsegment_async(self, name: Any = None, **kwargs: Any) -> AsyncGenerator[BaseSegment, None]:
        yield _Unrecorded()

    def put_annotation(self, key: str, value: Any) -> None: ...
    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None: ...
    def patch(self, modules: Sequence[str]) -> None: ...
    def patch_all(self) -> None: ...


class QuietWhenDisabled(AmazonCloudWatchEMFProvider):
    """CloudWatch EMF metrics that print nothing at all while metrics are disabled."""

    def add_cold_start_metric(self, context: Any) -> None:
        if not is_metrics_disabled():
            super().add_cold_start_metric(context)

    def flush_metrics(self, raise_on_empty_metrics: bool = False) -> None:
        if is_metrics_disabled():
            self.clear_metrics()
            return
        super().flush_metrics(raise_on_empty_metrics)


logger = Logger()
tracer = Tracer() if tracing_on() else Tracer(disabled=True, provider=NoTracing())
metrics = Metrics(provider=QuietWhenDisabled(namespace="RetailBackend"))
