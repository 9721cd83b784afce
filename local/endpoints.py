"""What only the local system serves, beside the API: the OpenAPI document, the store app and
its config, the JWKS of the local token key, the feed's management endpoint, and read-back of
what customers and stores were sent."""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

from local import auth

if TYPE_CHECKING:
    from local.gateway import Reply
    from local.system import LocalSystem

ROOT = Path(__file__).resolve().parent.parent


def _json(value: Any, status: int = 200) -> Reply:
    return status, {"content-type": "application/json"}, json.dumps(value).encode()


def serve_local(system: LocalSystem, method: str, path: str, query: dict[str, str], body: bytes) -> Reply | None:
    if method == "GET" and path == "/openapi.json":
        from local.openapi import openapi_document

        return _json(openapi_document(system.topology))
    if method == "GET" and path == "/.well-known/jwks.json":
        return _json(auth.jwks())
    if method == "POST" and path.startswith("/@connections/") and system.feed is not None:
        delivered = system.feed.post(path.rsplit("/", 1)[1], body)
        return (200, {}, b"") if delivered else _json({"message": "Gone"}, 410)
    if method == "GET" and path in ("/config.json", "/store/config.json"):
        return _json({"api": "", "feed": system.feed_url})
    if method == "GET" and (path == "/store" or path.startswith("/store/")):
        return _static(system, path.removeprefix("/store").lstrip("/") or "index.html")
    if method == "GET" and path == "/_local/messages":
        from local.outbox import captured

        return _json(captured(query.get("to")))
    if method == "GET" and path == "/_local/pushes":
        from local.outbox import pushes

        return _json(pushes(system, query.get("location")))
    return None


def _static(system: LocalSystem, name: str) -> Reply:
    folder = (ROOT / system.topology.store_app_dir).resolve()
    file = (folder / name).resolve()
    if not file.is_relative_to(folder) or not file.is_file():
        return 404, {"content-type": "application/problem+json"}, json.dumps(
            {"type": "about:blank", "title": "Not found", "status": 404, "detail": "No such file."}).encode()
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return 200, {"content-type": kind, "cache-control": "no-store"}, file.read_bytes()
