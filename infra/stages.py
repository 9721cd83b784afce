"""One deployment per stage: what differs between dev and prod, read from CDK context.

``cdk deploy -c stage=prod -c allowed_origins=https://shop.example -c sender_email=... -c alarm_email=...``.
A setting comes from ``-c key=value``, else from ``stages.<stage>`` in cdk.json, else from the
stage's default. dev has defaults for everything (cdk.json); prod has none for what would be
wrong there (CORS ``*``, a placeholder sender, alarms that reach nobody), so a prod synth
without them fails and names what is missing. Names that must be unique per account (stack,
bus, secrets, platform applications, Cognito domain) carry the stage.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

STAGES = ("dev", "prod")
DEFAULT_STAGE = "dev"
BASE_NAME = "retail"
STACK_BASE_NAME = "RetailBackend"
# What a stage must be given explicitly (no default may stand in for it).
REQUIRED = {"dev": (), "prod": ("allowed_origins", "sender_email", "alarm_email")}
PLACEHOLDER_DOMAIN = "@retail.example"
DEFAULT_WEBSHOP_URL = "https://shop.example.nl"  # -c webshop_url=... / -c account_url=... per deployment
DEFAULT_ACCOUNT_URL = f"{DEFAULT_WEBSHOP_URL}/account"
DEFAULT_REVIEW_AFTER_DAYS = 7


class StageSettingsError(ValueError):
    """A stage's settings are missing or unusable: the message says which and how to pass them."""


@dataclass(frozen=True)
class StageSettings:
    stage: str
    allowed_origins: tuple[str, ...]
    sender_email: str
    alarm_email: str | None
    push_credentials_version: str
    cognito_domain_prefix: str | None  # None: derived from stage and account (see identity)
    # what customer messages link to, and how many days after the goods a review is asked for
    account_url: str = DEFAULT_ACCOUNT_URL
    webshop_url: str = DEFAULT_WEBSHOP_URL
    review_after_days: int = DEFAULT_REVIEW_AFTER_DAYS

    @property
    def message_environment(self) -> dict[str, str]:
        """The settings of the functions that send customer messages (shared/settings.py reads them)."""
        return {"ACCOUNT_URL": self.account_url, "WEBSHOP_URL": self.webshop_url,
                "REVIEW_AFTER_DAYS": str(self.review_after_days)}

    @property
    def is_prod(self) -> bool:
        return self.stage == "prod"

    @property
    def stack_name(self) -> str:
        return f"{STACK_BASE_NAME}-{self.stage}"

    def scoped(self, name: str) -> str:
        """A per-account name of this stage: retail -> retail-dev."""
        return f"{name}-{self.stage}"

    @property
    def secret_prefix(self) -> str:
        return f"{BASE_NAME}/{self.stage}"


def _origins(value: object) -> tuple[str, ...]:
    """Context from cdk.json is a list; from ``-c allowed_origins=...`` a JSON or comma string."""
    if isinstance(value, str):
        value = json.loads(value) if value.startswith("[") else value.split(",")
    if not isinstance(value, Sequence):
        raise StageSettingsError(f"allowed_origins must be a list or a comma-separated string, not {value!r}")
    return tuple(str(origin).strip() for origin in value if str(origin).strip())


def stage_settings(context: Callable[[str], object]) -> StageSettings:
    """Settings of the stage named by context ``stage``; ``context`` is e.g. node.try_get_context."""
    stage = str(context("stage") or DEFAULT_STAGE)
    if stage not in STAGES:
        raise StageSettingsError(f"unknown stage {stage!r}: use -c stage=dev or -c stage=prod")
    stages = context("stages")
    per_stage = stages.get(stage, {}) if isinstance(stages, dict) else {}

    def get(key: str) -> object:
        value = context(key)
        return per_stage.get(key) if value in (None, "") else value

    missing = [key for key in REQUIRED[stage] if get(key) in (None, "", [])]
    if missing:
        given = " ".join(f"-c {key}=..." for key in missing)
        raise StageSettingsError(f"stage {stage} needs {', '.join(missing)}: pass {given} "
                                 f"(or set them under stages.{stage} in cdk.json)")
    settings = StageSettings(
        stage=stage,
        allowed_origins=_origins(get("allowed_origins") or ["*"]),
        sender_email=str(get("sender_email") or f"no-reply{PLACEHOLDER_DOMAIN}"),
        alarm_email=str(get("alarm_email")) if get("alarm_email") else None,
        push_credentials_version=str(get("push_credentials_version") or "1"),
        cognito_domain_prefix=str(get("cognito_domain_prefix")) if get("cognito_domain_prefix") else None,
        account_url=str(get("account_url") or DEFAULT_ACCOUNT_URL),
        webshop_url=str(get("webshop_url") or DEFAULT_WEBSHOP_URL),
        review_after_days=int(str(get("review_after_days") or DEFAULT_REVIEW_AFTER_DAYS)),
    )
    if settings.is_prod:
        _check_prod(settings)
    return settings


def _check_prod(settings: StageSettings) -> None:
    problems = []
    if not settings.allowed_origins or any(o == "*" or not o.startswith("https://")
                                           for o in settings.allowed_origins):
        problems.append("allowed_origins must be the shop's https:// origins, not *")
    for key in ("sender_email", "alarm_email"):
        value = str(getattr(settings, key))
        if "@" not in value or value.endswith(PLACEHOLDER_DOMAIN):
            problems.append(f"{key} must be a real e-mail address")
    if problems:
        raise StageSettingsError(f"stage prod: {'; '.join(problems)}")
