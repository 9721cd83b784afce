"""The CDK app: the retail stack, checked by cdk-nag's AWS Solutions pack on every synth.

``cdk synth`` runs this module (see cdk.json); tests call ``build_app()`` and synthesize in-process.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from aws_cdk import App, Environment, Validations
from cdk_nag import AwsSolutionsChecks

from infra.stack import RetailStack

ROOT = Path(__file__).resolve().parent.parent
STACK_NAME = "RetailBackend"


def cdk_json_context() -> dict[str, Any]:
    """cdk.json context, so an in-process synth (tests) sees what the CLI passes."""
    return dict(json.loads((ROOT / "cdk.json").read_text()).get("context", {}))


def environment() -> Environment | None:
    """Account/region when the CLI knows them; environment-agnostic (no lookups) otherwise."""
    account, region = os.environ.get("CDK_DEFAULT_ACCOUNT"), os.environ.get("CDK_DEFAULT_REGION")
    return Environment(account=account, region=region) if account and region else None


def build_app(outdir: str | None = None, *, nag: bool = True) -> App:
    # Context given here only fills in defaults: the CLI's (cdk.json, -c) still wins.
    app = App(outdir=outdir, context=cdk_json_context())
    RetailStack(app, STACK_NAME, env=environment(),
                description="Omnichannel retail backend, built from infra/topology.py")
    if nag:
        Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app


def main() -> None:
    build_app().synth()


if __name__ == "__main__":
    main()
