"""Every operation of docs' OpenAPI document, fuzzed for every role: no 5xx, nothing off the document.

Schemathesis draws requests from ``/openapi.json`` (valid ones and invalid ones) and checks each
answer: not a server error, a documented status, a documented content type and a body that
matches the documented schema. Hypothesis runs derandomized without a database, so a run draws
the same cases every time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from local.auth import issue_token
from local.seed import SKUS
from tests.e2e.conftest import Running
from tests.fuzz.conftest import REPORTS

# per operation, role and mode: 5 with the default profile (the same every run), 40 with the thorough one
CASES_PER_MODE = min(40, settings.default.max_examples // 3)  # type: ignore[union-attr]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ROLES: dict[str, str | None] = {
    "public": None,
    "customer": issue_token("customer", "fuzz-customer"),
    "staff": issue_token("staff", "fuzz-staff", "utrecht-oudegracht"),
    "integration": issue_token("integration", "fuzz-erp"),
    "admin": issue_token("admin", "fuzz-admin"),
}


KNOWN = {"location_id": "utrecht-oudegracht", "sku": SKUS[0]}  # seeded: reaches real stock, not a 404


@dataclass
class Tally:
    operations: int = 0
    cases: int = 0
    server_errors: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def line(self, role: str) -> str:
        return (f"{role:<12} operations={self.operations} cases={self.cases} 5xx={self.server_errors} "
                f"non-conforming={len(self.failures)} statuses={dict(sorted(self.statuses.items()))}")


def _fuzz(operation: Any, mode: GenerationMode, base_url: str, headers: dict[str, str], tally: Tally,
          path_parameters: dict[str, str] | None = None) -> None:
    @settings(max_examples=CASES_PER_MODE, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def run(case: Any) -> None:
        response = case.call(base_url=base_url, headers=headers, timeout=30)
        tally.cases += 1
        tally.statuses[response.status_code] += 1
        if response.status_code >= 500:
            tally.server_errors += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as failed:  # every failed check is counted, not raised
            found = getattr(failed, "exceptions", [failed])
            summary = "; ".join(str(getattr(f, "title", "") or type(f).__name__) + ": " + str(f).strip()[:200]
                                for f in found)
            tally.failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {summary[:600]}")

    run()


@pytest.mark.parametrize("role", list(ROLES))
def test_no_server_errors_and_no_answers_off_the_document(system: Running, role: str) -> None:
    schema = schemathesis.openapi.from_url(f"{system.base_url}/openapi.json")
    token = ROLES[role]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    tally = Tally()
    for result in schema.get_all_operations():
        operation = result.ok()
        tally.operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, mode, system.base_url, headers, tally)
        names = {p.name for p in operation.path_parameters}
        if names and names <= set(KNOWN):
            _fuzz(operation, GenerationMode.POSITIVE, system.base_url, headers, tally,
                  {name: KNOWN[name] for name in names})
    REPORTS.append(tally.line(role))
    print(tally.line(role))
    assert (tally.server_errors, tally.failures) == (0, []), tally.line(role) + "\n" + "\n".join(tally.failures[:40])
