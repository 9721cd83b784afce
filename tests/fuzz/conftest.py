"""Fuzzing tier: schemathesis against the running local system (the e2e fixtures), once per role."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import system  # noqa: F401 - the e2e tier's running local system, reused

REPORTS: list[str] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if REPORTS:
        terminalreporter.section("schema fuzzing per role")
        for line in REPORTS:
            terminalreporter.write_line(line)
