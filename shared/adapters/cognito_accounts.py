"""Customers' online accounts in the Cognito user pool (USER_POOL_ID).

The pool signs in by e-mail (its username attribute), so a user is named by their address and
Cognito gives it its own ``sub``: a customer enrolled in a store gets a user with their e-mail,
``custom:customer_id`` (their id in our records) and the customer group; no message from Cognito
(the notifier sends our own invitation, in their language, with the activation link). The user
gets a random password nobody knows, made permanent: a user still in FORCE_CHANGE_PASSWORD cannot
reset it, and activation is exactly that reset (a code mailed by Cognito, a password of their own). Erasure
deletes the user, found by e-mail, or by ``sub`` for an online sign-up (whose id is the sub).
"""

from __future__ import annotations

import os
import secrets
from typing import Any

from shared.adapters.aws import client
from shared.errors import Unavailable

USER_POOL_ENV = "USER_POOL_ID"
CUSTOMER_GROUP = "customer"


class CognitoAccounts:
    def __init__(self, user_pool_id: str | None = None) -> None:
        self._pool = user_pool_id or os.environ.get(USER_POOL_ENV, "")

    @property
    def _idp(self) -> Any:
        return client("cognito-idp")

    def invite(self, customer_id: str, email: str, language: str) -> None:
        try:
            self._create(customer_id, email, language)
            self._idp.admin_add_user_to_group(UserPoolId=self._pool, Username=email, GroupName=CUSTOMER_GROUP)
        except self._idp.exceptions.ClientError as error:
            raise Unavailable("The online account could not be made now; retry the same request.",
                              retry_after_seconds=1) from error

    def _create(self, customer_id: str, email: str, language: str) -> None:
        try:
            self._idp.admin_create_user(
                UserPoolId=self._pool, Username=email, MessageAction="SUPPRESS",
                UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"},
                                {"Name": "locale", "Value": language},
                                {"Name": "custom:customer_id", "Value": customer_id}])
        except self._idp.exceptions.UsernameExistsException:
            return  # made by an earlier attempt (or the address already has an account: it stays as it is)
        unknowable = secrets.token_urlsafe(32) + "aA1!"  # every character class the pool's policy asks for
        self._idp.admin_set_user_password(UserPoolId=self._pool, Username=email, Password=unknowable, Permanent=True)

    def delete(self, customer_id: str, email: str | None = None) -> None:
        try:
            self._idp.admin_delete_user(UserPoolId=self._pool, Username=email or customer_id)
        except self._idp.exceptions.UserNotFoundException:
            return
        except self._idp.exceptions.ClientError as error:
            raise Unavailable("The online account could not be deleted now; retry the same request.",
                              retry_after_seconds=1) from error
