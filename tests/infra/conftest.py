"""One in-process synthesis (cdk-nag included) per test session, shared by every infra test.

jsii start-up and synthesis cost ~10 s, so no test synthesizes on its own. If cdk-nag refuses
the app, the template is still written: the other tests run on it and the nag test reports.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

# synth puts the supported Node on PATH before anything imports aws_cdk (and starts jsii).
from tests.infra.synth import STACK_NAME, Synthesized, build_app

if TYPE_CHECKING:
    from aws_cdk.assertions import Template


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    outdir = tmp_path_factory.mktemp("cdk.out")
    failure = None
    try:
        build_app(str(outdir)).synth()
    except RuntimeError as error:  # jsii surfaces cdk-nag's ValidationFailed as a RuntimeError
        if "ValidationFailed" not in str(error):
            raise
        failure = str(error)
    template = json.loads((outdir / f"{STACK_NAME}.template.json").read_text())
    return Synthesized(outdir=outdir, template=template, nag_failure=failure)


@pytest.fixture(scope="session")
def assertions(synthesized: Synthesized) -> Template:
    """The CDK assertions API over the already synthesized template (no second synthesis)."""
    from aws_cdk.assertions import Template

    return Template.from_json(synthesized.template)


PROD_CONTEXT = {"stage": "prod", "allowed_origins": "https://shop.example,https://www.shop.example",
                "sender_email": "no-reply@shop.example", "alarm_email": "ops@shop.example"}


@pytest.fixture(scope="session")
def synthesized_prod(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The prod stage with its required settings, synthesized once (cdk-nag included)."""
    outdir = tmp_path_factory.mktemp("cdk.out.prod")
    failure = None
    try:
        build_app(str(outdir), context=PROD_CONTEXT).synth()
    except RuntimeError as error:
        if "ValidationFailed" not in str(error):
            raise
        failure = str(error)
    template = json.loads((outdir / f"{STACK_NAME}.template.json").read_text())
    return Synthesized(outdir=outdir, template=template, nag_failure=failure)
