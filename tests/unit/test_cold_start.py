"""What a handler loads at import, and what the local system prints (no wall clock: module lists).

Each check runs in a fresh interpreter, as a Lambda cold start does: modules already imported
by this test process would hide what a handler pulls in.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from infra.topology import TOPOLOGY
from local.environment import LOCAL_ENVIRONMENT

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("POWERTOOLS_", "LAMBDA_TASK_ROOT"))}
    environment.update({"PYTHONPATH": str(ROOT), "AWS_DEFAULT_REGION": "eu-west-1", **env})
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment,
                          cwd=ROOT, check=False, timeout=300)
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-2000:]}"  # what broke, when it does
    return done


def _named_adapters(handler: str) -> list[str]:
    """The shared.adapters modules a handler's own source imports by name."""
    tree = ast.parse((ROOT / (handler.replace(".", "/") + ".py")).read_text())
    named = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "shared.adapters":
            named |= {f"shared.adapters.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("shared.adapters."):
            named.add(str(node.module))
    return sorted(named)


PROBE = """
import importlib, json, sys
for name in {named!r}:
    importlib.import_module(name)
before = set(sys.modules)
importlib.import_module({handler!r})
print(json.dumps({{"loaded": sorted(set(sys.modules) - before), "all": sorted(sys.modules)}}))
"""


def _import_report(probe: str) -> dict[str, list[str]]:
    done = _python(probe, POWERTOOLS_TRACE_DISABLED="true")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.fixture(scope="module")
def reports() -> dict[str, dict[str, list[str]]]:
    handlers = [fn.handler for fn in TOPOLOGY.functions]
    # the sources are parsed here, one at a time: CPython 3.11's compile() is not thread-safe (a
    # parse in a pool thread failed one CI run in two with "AST constructor recursion depth
    # mismatch"); the threads only wait for the probing interpreters
    probes = [PROBE.format(named=_named_adapters(handler), handler=handler) for handler in handlers]
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(handlers, pool.map(_import_report, probes), strict=True))


@pytest.mark.parametrize("handler", [fn.handler for fn in TOPOLOGY.functions])
def test_a_handler_loads_no_xray_sdk_when_tracing_is_off(reports: dict[str, dict[str, list[str]]],
                                                         handler: str) -> None:
    assert "aws_xray_sdk.core" not in reports[handler]["all"]


@pytest.mark.parametrize("handler", [fn.handler for fn in TOPOLOGY.functions])
def test_a_handler_loads_only_the_adapters_it_names(reports: dict[str, dict[str, list[str]]], handler: str) -> None:
    """Adapters of other functions come with none: wiring makes each adapter on first use."""
    others = [m for m in reports[handler]["loaded"] if m.startswith("shared.adapters.")]
    assert others == []


def test_wiring_imports_no_adapter() -> None:
    done = _python("import json, sys; import shared.wiring; print(json.dumps(sorted(sys.modules)))")
    loaded = json.loads(done.stdout)
    assert [m for m in loaded if m.startswith("shared.adapters") or m == "boto3"] == []


def test_in_lambda_with_tracing_on_the_tracer_uses_xray() -> None:
    """Tracing stays on where it can be sent: Lambda, POWERTOOLS_TRACE_DISABLED unset."""
    done = _python("from shared.observability import tracer; print(tracer.provider.__module__, tracer.disabled)",
                   LAMBDA_TASK_ROOT="/var/task", AWS_REGION="eu-west-1", AWS_ACCESS_KEY_ID="x",
                   AWS_SECRET_ACCESS_KEY="x")
    module, disabled = done.stdout.split()
    assert module.startswith("aws_xray_sdk") and disabled == "False"


INVOKE = """
import json, os, warnings
from local.environment import LOCAL_ENVIRONMENT
os.environ.update(LOCAL_ENVIRONMENT)
os.environ.update({overrides!r})
warnings.simplefilter("always")  # every warning, every time
from infra.topology import TOPOLOGY
from local.gateway import build_event
from local.lambdas import FunctionPool
fn = TOPOLOGY.function("reservations-api")
route = next(r for r in fn.routes if r.route_key == "POST /reservations")
claims = {{"sub": "quiet-1", "cognito:groups": "[customer]"}}
for _ in range(2):
    event = build_event(route, {{}}, "POST", "/reservations", "", {{"content-type": "application/json"}},
                        b'{{"lines": []}}', claims, "127.0.0.1")
    reply = FunctionPool(fn).invoke(event)
    assert reply["statusCode"] == 422, reply
"""


def _invoke_locally(**overrides: str) -> subprocess.CompletedProcess[str]:
    """Two invocations (a refused body: no AWS call) through the local runner's containers."""
    return _python(INVOKE.format(overrides=overrides))


def test_local_invocations_print_no_metrics_and_no_warnings() -> None:
    assert LOCAL_ENVIRONMENT["POWERTOOLS_METRICS_DISABLED"] == "true"
    done = _invoke_locally()
    assert '"_aws"' not in done.stdout
    assert "Warning" not in done.stderr


def test_with_metrics_on_the_cold_start_metric_is_still_published() -> None:
    done = _invoke_locally(POWERTOOLS_METRICS_DISABLED="false")
    blobs = [json.loads(line) for line in done.stdout.splitlines() if line.startswith('{"_aws"')]
    assert [b["ColdStart"] for b in blobs if "ColdStart" in b] == [[1.0]]
