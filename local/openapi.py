"""One OpenAPI document for the whole API, merged from each function's resolver.

Each API function describes its own routes (Powertools builds that from the pydantic
models); this joins them and marks the routes that need a token. ``docs/openapi.json`` is
this document, committed; a test fails when it is stale. Run: python -m local.openapi
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

from infra.topology import TOPOLOGY, Topology
from shared.http.responses import PROBLEM_SCHEMA

DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"


def openapi_document(topology: Topology = TOPOLOGY) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for fn in topology.functions:
        if not fn.routes:
            continue
        app = importlib.import_module(fn.handler).app
        spec = json.loads(app.get_openapi_json_schema(title="Omnichannel retail API", version="1.0.0"))
        for route_path, operations in spec.get("paths", {}).items():
            paths.setdefault(route_path, {}).update(operations)
        schemas.update(spec.get("components", {}).get("schemas", {}))
    schemas["Problem"] = PROBLEM_SCHEMA
    text = json.dumps(paths)
    for unused in ("HTTPValidationError", "ValidationError"):  # Powertools' 422 shape; ours is a Problem
        if f"/{unused}\"" not in text:
            schemas.pop(unused, None)
    for route, _ in topology.routes:
        operation = paths.get(route.path, {}).get(route.method.lower())
        if operation is None:
            continue
        operation["x-access"] = [a.value for a in route.access]
        if not route.is_public:
            operation["security"] = [{"bearer": []}]
    return {
        "openapi": "3.1.0",
        "info": {"title": "Omnichannel retail API", "version": "1.0.0",
                 "description": "Stock, locations and (later) reservations, orders and returns. "
                                "Errors are application/problem+json (RFC 9457)."},
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": dict(sorted(schemas.items())),
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
    }


def render() -> str:
    return json.dumps(openapi_document(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    DOCUMENT.parent.mkdir(exist_ok=True)
    DOCUMENT.write_text(render())
    print(f"wrote {DOCUMENT.relative_to(Path.cwd()) if DOCUMENT.is_relative_to(Path.cwd()) else DOCUMENT}")
