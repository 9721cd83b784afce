"""API Gateway's WebSocket API, locally: a real WebSocket server in front of the store-feed
function, and the management endpoint (POST /@connections/<id>) the store notifier posts to.

A browser connects to ws://127.0.0.1:<port>/?location=<id>&token=<jwt>; the authorizer
function decides (an exception is a 401, a Deny a 403), then $connect runs with the
authorizer's context (200 lets it in), and $disconnect runs when it leaves. Every message
posted is also kept, so tests can read what a store was told.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

Invoke = Callable[[dict[str, Any]], Any]


class LocalFeed:
    def __init__(self, invoke: Invoke, authorize: Invoke, host: str = "127.0.0.1", port: int = 0) -> None:
        self._invoke, self._authorize, self._host, self._port = invoke, authorize, host, port
        self._loop = asyncio.new_event_loop()
        self._connections: dict[str, Any] = {}
        self.posted: list[dict[str, Any]] = []  # {"connection_id", "payload"}
        self._ready = threading.Event()
        self.port = 0

    def _event(self, route: str, connection_id: str, query: dict[str, str] | None) -> dict[str, Any]:
        return {"requestContext": {"routeKey": route, "eventType": route.strip("$").upper(),
                                   "connectionId": connection_id, "apiId": "local", "stage": "live",
                                   "domainName": f"{self._host}:{self.port}"},
                "queryStringParameters": query, "isBase64Encoded": False}

    async def _process_request(self, connection: Any, request: Any) -> Any:
        """As API Gateway does: the REQUEST authorizer first, then $connect with its context."""
        query = dict(parse_qsl(urlsplit(request.path).query))
        arn = "arn:aws:execute-api:eu-west-1:123456789012:local/live/$connect"
        try:
            policy = await asyncio.to_thread(self._authorize, {
                "type": "REQUEST", "methodArn": arn, "queryStringParameters": query,
                "requestContext": {"routeKey": "$connect", "eventType": "CONNECT",
                                   "connectionId": str(connection.id)}})
        except Exception:
            return connection.respond(401, "Unauthorized\n")
        if policy["policyDocument"]["Statement"][0]["Effect"] != "Allow":
            return connection.respond(403, "Forbidden\n")
        event = self._event("$connect", str(connection.id), query)
        event["requestContext"]["authorizer"] = {**policy.get("context", {}), "principalId": policy["principalId"]}
        result = await asyncio.to_thread(self._invoke, event)
        status = int((result or {}).get("statusCode", 500))
        if status != 200:
            return connection.respond(status, "refused\n")
        return None

    async def _handler(self, connection: Any) -> None:
        connection_id = str(connection.id)
        self._connections[connection_id] = connection
        try:
            async for _ in connection:  # the feed is one-way; whatever a client sends is ignored
                pass
        finally:
            self._connections.pop(connection_id, None)
            await asyncio.to_thread(self._invoke, self._event("$disconnect", connection_id, None))

    def start(self) -> int:
        from websockets.asyncio.server import serve

        async def main() -> None:
            self._stopping = asyncio.Event()
            async with serve(self._handler, self._host, self._port, process_request=self._process_request) as server:
                self.port = next(iter(server.sockets)).getsockname()[1]
                self._ready.set()
                await self._stopping.wait()  # leaving the block closes every connection cleanly

        self._thread = threading.Thread(target=lambda: self._loop.run_until_complete(main()), name="feed",
                                        daemon=True)
        self._thread.start()
        self._ready.wait(10)
        return self.port

    def post(self, connection_id: str, data: bytes) -> bool:
        """The management API: False when the connection is gone (API Gateway answers 410)."""
        connection = self._connections.get(connection_id)
        if connection is None:
            return False
        future = asyncio.run_coroutine_threadsafe(connection.send(data.decode()), self._loop)
        try:
            future.result(timeout=5)
        except Exception:
            return False
        self.posted.append({"connection_id": connection_id, "payload": json.loads(data)})
        return True

    def stop(self) -> None:
        if self._ready.is_set():
            self._loop.call_soon_threadsafe(self._stopping.set)
            self._thread.join(timeout=10)
