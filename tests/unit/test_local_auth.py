"""The local gateway checks tokens as API Gateway's JWT authorizer does."""

from __future__ import annotations

from pathlib import Path

import jwt
import pytest

from local import auth


def _token(key_dir: Path, **claims: object) -> str:
    base = {"iss": auth.ISSUER, "aud": auth.AUDIENCE, "sub": "cust-1", "cognito:groups": ["customer"],
            "iat": 1_700_000_000, "exp": 4_100_000_000}
    return jwt.encode({**base, **claims}, auth._private_key(key_dir), algorithm="RS256", headers={"kid": "local"})


def test_a_token_with_exp_is_accepted(tmp_path: Path) -> None:
    claims = auth.verify(f"Bearer {_token(tmp_path)}", key_dir=tmp_path)
    assert claims["sub"] == "cust-1" and claims["cognito:groups"] == "[customer]"


def test_a_token_without_exp_is_refused(tmp_path: Path) -> None:
    token = _token(tmp_path)
    unlimited = jwt.decode(token, options={"verify_signature": False})
    unlimited.pop("exp")
    forever = jwt.encode(unlimited, auth._private_key(tmp_path), algorithm="RS256", headers={"kid": "local"})
    with pytest.raises(auth.TokenRejected):
        auth.verify(f"Bearer {forever}", key_dir=tmp_path)


def test_an_expired_token_is_refused(tmp_path: Path) -> None:
    with pytest.raises(auth.TokenRejected):
        auth.verify(f"Bearer {_token(tmp_path, exp=1_000_000_000)}", key_dir=tmp_path)
