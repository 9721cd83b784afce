"""Idempotency: one key, one meaning. Every write a client may retry is identified by a claim.

A retry with the same key and the same meaning is answered as the first request was; the same
key with another meaning is refused (IdempotencyKeyReused). Stores keep the claim's fingerprint
with what the request wrote, in the same transaction, so the key is taken exactly when the
write happened.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

_CHANGE_NAMESPACE = uuid.UUID("6f1c1b9e-2f52-4a53-9d5e-8f0b4f6a2c11")


@dataclass(frozen=True)
class IdempotencyClaim:
    """A caller's promise that two requests with this key are the same request.

    ``scope`` keeps callers apart (an ERP and a POS may both send key "1"); the fingerprint
    is a hash of what the request means (not of its raw bytes), so that the same key with
    another meaning is refused rather than silently replayed.
    """

    scope: str
    key: str
    fingerprint: str

    @property
    def change_id(self) -> str:
        return str(uuid.uuid5(_CHANGE_NAMESPACE, f"{self.scope}\n{self.key}"))

    @staticmethod
    def for_request(scope: str, key: str, meaning: dict[str, Any]) -> IdempotencyClaim:
        canonical = json.dumps(meaning, sort_keys=True, separators=(",", ":"), default=str)
        return IdempotencyClaim(scope, key, hashlib.sha256(canonical.encode()).hexdigest())
