"""RFC 9457 problem details: the one shape of every 4xx and 5xx this API returns."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response

PROBLEM_TYPE_BASE = "https://retail-backend.example/problems/"
CONTENT_TYPE = "application/problem+json"


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> Response[str]:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update({k: v for k, v in extra.items() if v is not None})
    return Response(status_code=status, content_type=CONTENT_TYPE, body=json.dumps(body, default=str))
