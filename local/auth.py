"""Tokens for the local system, checked the way API Gateway's JWT authorizer checks them.

On AWS, Cognito signs tokens (RS256) and the authorizer checks signature, issuer, audience
and expiry before a handler runs. Locally a key pair in ``.local/`` plays Cognito; the
gateway does the same checks and passes the same claims (list claims flattened to
"[a b]" strings, as API Gateway does).
"""

from __future__ import annotations

import time
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "http://localhost/local-cognito"
AUDIENCE = "retail-api"
KEY_DIR = Path(__file__).resolve().parent.parent / ".local"
ROLES = ("customer", "staff", "integration", "admin")


@cache
def _private_key(key_dir: Path = KEY_DIR) -> rsa.RSAPrivateKey:
    path = key_dir / "jwt-signing-key.pem"
    if not path.exists():
        key_dir.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
        path.chmod(0o600)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(loaded, rsa.RSAPrivateKey)
    return loaded


def issue_token(role: str, subject: str | None = None, location_id: str | None = None,
                ttl_seconds: int = 12 * 3600, key_dir: Path = KEY_DIR) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    if role == "staff" and not location_id:
        raise ValueError("a staff token needs the location the associate works at")
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + ttl_seconds,
        "sub": subject or f"{role}-{uuid.uuid4().hex[:8]}", "cognito:groups": [role],
        "token_use": "id", "jti": uuid.uuid4().hex,
    }
    if location_id:
        claims["custom:location_id"] = location_id
    return jwt.encode(claims, _private_key(key_dir), algorithm="RS256", headers={"kid": "local"})


class TokenRejected(Exception):
    pass


def verify(authorization: str | None, key_dir: Path = KEY_DIR) -> dict[str, str]:
    """The claims as API Gateway passes them on, or TokenRejected (a 401)."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise TokenRejected("missing bearer token")
    try:
        claims = jwt.decode(authorization[7:].strip(), _private_key(key_dir).public_key(),
                            algorithms=["RS256"], audience=AUDIENCE, issuer=ISSUER,
                            options={"require": ["exp", "iss", "aud", "sub"]})  # as API Gateway: no exp, no entry
    except jwt.PyJWTError as error:
        raise TokenRejected(str(error)) from None
    return {k: f"[{' '.join(map(str, v))}]" if isinstance(v, list) else str(v) for k, v in claims.items()}


def jwks(key_dir: Path = KEY_DIR) -> dict[str, Any]:
    """The public key as Cognito publishes its keys, for verifiers that fetch a JWKS."""
    import json

    public = jwt.algorithms.RSAAlgorithm.to_jwk(_private_key(key_dir).public_key())
    return {"keys": [{**json.loads(public), "kid": "local", "use": "sig", "alg": "RS256"}]}
