"""API Gateway (HTTP API, payload format 2.0) on localhost, in front of the real handlers.

It matches the routes of the topology, checks the bearer token on non-public routes as the
JWT authorizer does, builds the v2 event and returns what the handler returns.
"""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from infra.topology import Function, Route, Topology
from local import auth, throttle

Invoke = Callable[[Function, dict[str, Any]], Any]
Reply = tuple[int, dict[str, str], bytes]
Extra = Callable[[str, Any, bytes], "Reply | None"]


def _pattern(route_path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(route_path)) + "$")


class RouteTable:
    def __init__(self, topology: Topology) -> None:
        self.entries = [(route, fn, _pattern(route.path)) for route, fn in topology.routes]

    @property
    def route_keys(self) -> set[str]:
        return {route.route_key for route, _, _ in self.entries}

    def match(self, method: str, path: str) -> tuple[Route, Function, dict[str, str]] | str | None:
        """The route, or "method" when only the method is wrong, or None."""
        path_matched = False
        for route, fn, pattern in self.entries:
            found = pattern.match(path)
            if found:
                path_matched = True
                if route.method == method:
                    return route, fn, found.groupdict()
        return "method" if path_matched else None

    def allowed(self, path: str) -> list[str]:
        """The methods declared for a path, for the ``Allow`` header of a 405."""
        return sorted({route.method for route, _, pattern in self.entries if pattern.match(path)})


def build_event(route: Route, params: dict[str, str], method: str, raw_path: str, raw_query: str,
                headers: dict[str, str], body: bytes, claims: dict[str, str] | None,
                source_ip: str) -> dict[str, Any]:
    query: dict[str, str] = {}
    for key, value in parse_qsl(raw_query, keep_blank_values=True):
        query[key] = f"{query[key]},{value}" if key in query else value  # as API Gateway joins them
    text_types = ("json", "text", "xml", "form")
    is_text = any(t in headers.get("content-type", "application/json") for t in text_types)
    try:
        text = body.decode() if is_text else ""
    except UnicodeDecodeError:  # bytes that are not UTF-8 travel base64-encoded, as binary does
        is_text = False
    now = datetime.now(UTC)
    context: dict[str, Any] = {
        "accountId": "123456789012", "apiId": "local", "domainName": headers.get("host", "localhost"),
        "domainPrefix": "local", "requestId": str(uuid.uuid4()), "routeKey": route.route_key,
        "stage": "$default", "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "timeEpoch": int(now.timestamp() * 1000),
        "http": {"method": method, "path": raw_path, "protocol": "HTTP/1.1", "sourceIp": source_ip,
                 "userAgent": headers.get("user-agent", "")},
    }
    if claims is not None:
        context["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    return {
        "version": "2.0", "routeKey": route.route_key, "rawPath": raw_path, "rawQueryString": raw_query,
        "headers": headers, "queryStringParameters": query or None, "pathParameters": params or None,
        "requestContext": context,
        "body": (text if is_text else base64.b64encode(body).decode()) if body else None,
        "isBase64Encoded": bool(body) and not is_text,
    }


MAX_TARGET = 10_240  # API Gateway's quota for the request line (and headers): longer is a 414 problem


def _problem(status: int, slug: str, title: str, detail: str) -> tuple[int, dict[str, str], bytes]:
    body = {"type": f"https://retail-backend.example/problems/{slug}", "title": title,
            "status": status, "detail": detail}
    return status, {"content-type": "application/problem+json"}, json.dumps(body).encode()


_PLAIN_ERRORS = {400: ("bad-request", "Bad request"), 414: ("uri-too-long", "URI too long"),
                 431: ("request-header-fields-too-large", "Request header fields too large"),
                 501: ("method-not-allowed", "Method not allowed")}


class Gateway:
    def __init__(self, topology: Topology, invoke: Invoke, extra: Extra) -> None:
        self.routes = RouteTable(topology)
        self._invoke = invoke
        self._extra = extra  # what only the local system serves (docs, store app, feed management...)
        self.throttle = throttle.RouteThrottle() if throttle.enabled() else None  # LOCAL_THROTTLE=1

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes,
               source_ip: str) -> tuple[int, dict[str, str], bytes]:
        if len(target) > MAX_TARGET:
            return _problem(414, "uri-too-long", "URI too long", f"The request target exceeds {MAX_TARGET} bytes.")
        split = urlsplit(target)
        served = self._extra(method, split, body)
        if served is not None:
            return served
        matched = self.routes.match(method, split.path)
        if matched is None:
            return _problem(404, "not-found", "Not found", "There is no such resource.")
        if matched == "method":
            allow = ", ".join(self.routes.allowed(split.path))
            status, out, data = _problem(405, "method-not-allowed", "Method not allowed",
                                         f"This resource answers {allow}.")
            return status, {**out, "allow": allow}, data
        assert not isinstance(matched, str)
        route, function, params = matched
        wait = self.throttle.wait_seconds(route) if self.throttle else 0
        if wait:
            status, out, data = _problem(429, "too-many-requests", "Too many requests",
                                         f"{route.route_key} is called faster than it allows; retry later.")
            return status, {**out, "retry-after": str(wait)}, data
        claims = None
        if not route.is_public:
            try:
                claims = auth.verify(headers.get("authorization"))
            except auth.TokenRejected as rejected:
                return _problem(401, "unauthorized", "Unauthorized",
                                f"A valid bearer token is required ({rejected}).")
        event = build_event(route, params, method, split.path, split.query, headers, body, claims, source_ip)
        result = self._invoke(function, event)
        out_headers = {k.lower(): str(v) for k, v in (result.get("headers") or {}).items()}
        payload = result.get("body") or ""
        data = base64.b64decode(payload) if result.get("isBase64Encoded") else payload.encode()
        return int(result.get("statusCode", 200)), out_headers, data


def serve(gateway: Gateway, host: str, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _respond(self) -> None:
            started = time.perf_counter()
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                status, out, data = gateway.handle(self.command, self.path, headers, body,
                                                   self.client_address[0])
            except Exception as error:  # the gateway itself failed: still a problem, never a hang
                status, out, data = _problem(502, "bad-gateway", "Bad gateway", type(error).__name__)
            self.send_response(status)
            for key, value in out.items():
                self.send_header(key, value)
            self.send_header("content-length", str(len(data)))
            self.send_header("x-local-duration-ms", f"{(time.perf_counter() - started) * 1000:.1f}")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _respond

        def __getattr__(self, name: str) -> Any:
            """Any other method (TRACE, OPTIONS, BREW) goes to the gateway too: a 405/404 problem."""
            if name.startswith("do_"):
                return self._respond
            raise AttributeError(name)

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            """What http.server refuses itself (long lines, bad request lines) as problem+json, not HTML."""
            slug, title = _PLAIN_ERRORS.get(code, ("bad-request", "Bad request"))
            status = 405 if code == 501 else code
            _, out, data = _problem(status, slug, title, message or title)
            self.close_connection = True
            self.send_response(status)
            for key, value in out.items():
                self.send_header(key, value)
            self.send_header("connection", "close")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 256  # the stdlib's 5 resets connections when 50 clients arrive at once

    return Server((host, port), Handler)
