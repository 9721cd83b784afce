"""The path, query and header parameters several routes share, declared once, and the answer of an idempotent create.

The patterns are those of the event contracts (``events.patterns``), so an id the API accepts is one
an event can carry.
"""

from __future__ import annotations

from typing import Annotated, TypeVar

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header, Path

from events.patterns import LOCATION_PATTERN, SKU_PATTERN

ID_PATTERN = r"^[0-9a-f-]{36}$"
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]+$"
REPLAYED_HEADER = "Idempotent-Replayed"

LocationId = Annotated[str, Path(pattern=LOCATION_PATTERN)]
Sku = Annotated[str, Path(pattern=SKU_PATTERN)]
OrderId = Annotated[str, Path(pattern=ID_PATTERN)]
ReservationId = Annotated[str, Path(pattern=ID_PATTERN)]
ReturnId = Annotated[str, Path(pattern=ID_PATTERN)]
PurchaseId = Annotated[str, Path(pattern=ID_PATTERN)]
DeviceId = Annotated[str, Path(pattern=ID_PATTERN)]
FulfilmentId = Annotated[str, Path(pattern=r"^f[0-9]{1,3}$")]
CarrierId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,30}$")]
IdempotencyKey = Annotated[str, Header(
    alias="idempotency-key", min_length=8, max_length=128, pattern=IDEMPOTENCY_KEY_PATTERN,
    description="Unique per intended change (a UUID); a retry reuses it",
)]

T = TypeVar("T")


def created_or_replayed(body: T, *, created: bool, replayed: bool | None = None) -> Response[T]:
    """201 for what was made now, 200 for a retry, which also says ``Idempotent-Replayed: true``.

    ``replayed`` is for the rare 200 that is not a retry (a count older than the last one).
    """
    replayed = not created if replayed is None else replayed
    return Response(status_code=201 if created else 200, content_type="application/json", body=body,
                    headers={REPLAYED_HEADER: "true"} if replayed else None)

