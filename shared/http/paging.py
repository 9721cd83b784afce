"""Query parameters of every list route: a page size and the cursor of the page before."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

MAX_PAGE = 100

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Items per page (at most 100)")]
Cursor = Annotated[str | None, Query(max_length=2048, description="The next_cursor of the page before")]
