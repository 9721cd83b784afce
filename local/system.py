"""Starts the whole system in one process: emulator, resources, handlers, gateway, pollers."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import parse_qsl

from infra.topology import TOPOLOGY, Function, Topology
from local import auth
from local.emulator import Emulator
from local.environment import LOCAL_ENVIRONMENT
from local.feed import LocalFeed
from local.gateway import Gateway, Reply, serve
from local.lambdas import FunctionPool
from local.pollers import Poller, QueuePoller, Schedule, StreamPoller
from local.provision import REGION, Provisioned, provision


class LocalSystem:
    def __init__(self, host: str = "127.0.0.1", port: int = 8080, emulator_port: int = 0,
                 topology: Topology = TOPOLOGY, schedule_seconds: float = 5.0, feed_port: int = 0) -> None:
        self._schedule_seconds = schedule_seconds
        self._feed_port = feed_port
        self.topology = topology
        self._host, self._port = host, port
        self.emulator = Emulator(host, emulator_port)
        self.pools = {fn.name: FunctionPool(fn) for fn in topology.functions}
        self.pollers: list[Poller] = []
        self.resources: Provisioned | None = None
        self.gateway = Gateway(topology, self.invoke, self._local_endpoint)
        self._server: Any = None
        self.feed: LocalFeed | None = None

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> LocalSystem:
        endpoint = self.emulator.start()
        for key, value in LOCAL_ENVIRONMENT.items():
            os.environ.setdefault(key, value)
        os.environ.update({"AWS_ENDPOINT_URL": endpoint, "TABLE_NAME": self.topology.table.name,
                           "EVENT_BUS_NAME": self.topology.bus_name})
        from shared import wiring

        wiring.reset()
        self.resources = provision(self.topology, self.client)
        os.environ.update(self.resources.platform_apps)
        self._server = serve(self.gateway, self._host, self._port)
        feed_function = next((fn for fn in self.topology.functions if fn.websocket_routes), None)
        authorizer = next((fn for fn in self.topology.functions if fn.authorizes_websocket), None)
        if feed_function is not None and authorizer is not None:
            self.feed = LocalFeed(self._invoker(feed_function), self._invoker(authorizer), self._host,
                                  self._feed_port)
            self.feed.start()
        os.environ.update({  # what CDK gives these functions on AWS, pointing at the local stand-ins
            "FEED_ENDPOINT": self.base_url, "JWKS_URL": f"{self.base_url}/.well-known/jwks.json",
            "JWT_ISSUER": auth.ISSUER, "JWT_AUDIENCE": auth.AUDIENCE})
        for name, url in (("WEBSHOP_URL", self.base_url), ("ACCOUNT_URL", f"{self.base_url}/account")):
            os.environ.setdefault(name, url)  # customer messages link here (REVIEW_AFTER_SECONDS: see settings)
        from shared.settings import settings

        settings.cache_clear()  # read again with the links
        self._start_pollers()
        threading.Thread(target=self._server.serve_forever, name="gateway", daemon=True).start()
        return self

    @property
    def feed_url(self) -> str:
        return f"ws://{self._host}:{self.feed.port}" if self.feed else ""

    def stop(self) -> None:
        if self.feed:
            self.feed.stop()
        for poller in self.pollers:
            poller.stop()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
        self.emulator.stop()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- wiring --------------------------------------------------------------------------

    def client(self, service: str) -> Any:
        return _client(service, self.emulator.url)

    def invoke(self, function: Function, event: dict[str, Any]) -> Any:
        return self.pools[function.name].invoke(event)

    def _invoker(self, function: Function) -> Callable[[dict[str, Any]], Any]:
        return lambda event: self.invoke(function, event)

    def _start_pollers(self) -> None:
        assert self.resources is not None
        for fn in self.topology.functions:
            if fn.table_stream:
                self.pollers.append(StreamPoller(self.client("dynamodbstreams"), self.resources.stream_arn,
                                                 self._invoker(fn)))
            if fn.queue:
                queue = self.topology.queue(fn.queue)
                url = self.resources.queue_urls[queue.name]
                arn = self.client("sqs").get_queue_attributes(
                    QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
                self.pollers.append(QueuePoller(self.client("sqs"), queue.name, url, arn, self._invoker(fn),
                                                queue.batch_size))
            if fn.schedule_minutes:
                self.pollers.append(Schedule(fn.name, self._invoker(fn), self._schedule_seconds))
        for poller in self.pollers:
            poller.start()

    def _local_endpoint(self, method: str, url: Any, body: bytes) -> Reply | None:
        from local.endpoints import serve_local

        return serve_local(self, method, url.path, dict(parse_qsl(url.query)), body)


@cache
def _client(service: str, endpoint: str) -> Any:
    import boto3

    return boto3.session.Session().client(  # type: ignore[call-overload]
        service, endpoint_url=endpoint, region_name=REGION,
        aws_access_key_id="local", aws_secret_access_key="local")  # noqa: S106 - emulator
