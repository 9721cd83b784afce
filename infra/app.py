"""The CDK app: the retail stack, checked by cdk-nag's AWS Solutions and Serverless packs on every synth.

``cdk synth`` runs this module (see cdk.json); tests call ``build_app()`` and synthesize in-process.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from aws_cdk import App, Environment, Validations
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from infra.stack import RetailStack
from infra.stages import STACK_BASE_NAME, StageSettingsError, stage_settings

ROOT = Path(__file__).resolve().parent.parent
STACK_NAME = STACK_BASE_NAME  # the construct id (template file name); the deployed name carries the stage


def cdk_json_context() -> dict[str, Any]:
    """cdk.json context, so an in-process synth (tests) sees what the CLI passes."""
    return dict(json.loads((ROOT / "cdk.json").read_text()).get("context", {}))


def environment() -> Environment | None:
    """Account/region when the CLI knows them; environment-agnostic (no lookups) otherwise."""
    account, region = os.environ.get("CDK_DEFAULT_ACCOUNT"), os.environ.get("CDK_DEFAULT_REGION")
    return Environment(account=account, region=region) if account and region else None


def build_app(outdir: str | None = None, *, nag: bool = True, context: dict[str, Any] | None = None) -> App:
    """``context`` adds to cdk.json's (tests: -c as the CLI would pass it); raises StageSettingsError."""
    # Context given here only fills in defaults: the CLI's (cdk.json, -c) still wins.
    app = App(outdir=outdir, context={**cdk_json_context(), **(context or {})})
    settings = stage_settings(app.node.try_get_context)
    RetailStack(app, STACK_NAME, settings=settings, env=environment(),
                description=f"Omnichannel retail backend ({settings.stage}), built from infra/topology.py")
    if nag:
        Validations.of(app).add_plugins(AwsSolutionsChecks(app), ServerlessChecks(app))
    return app


def main() -> None:
    try:
        app = build_app()
    except StageSettingsError as error:  # one clear line instead of a traceback through jsii
        sys.exit(f"cdk synth: {error}")
    app.synth()


if __name__ == "__main__":
    main()
