"""Tests decide what they draw and assert from their names, counters and hypothesis draws:
never from uuid4 or the wall clock, so a failing run can be replayed and a replay is the same.
The number of hypothesis examples is the profile's (tests/conftest.py), never a test's own."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
_CLOCK_OR_RANDOM = re.compile(r"uuid4\(|datetime\.now\(|datetime\.utcnow\(|\btime\.time\(|date\.today\(")
_OWN_EXAMPLE_COUNT = re.compile(r"max_examples\s*=\s*\d")  # a number of its own, not one derived from the profile
_ALLOW = "# determinism: allow"  # one reading the system's own clock forces (explained where used)


def _sources() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if p != Path(__file__).resolve())


def test_no_test_draws_from_uuid4_or_the_clock() -> None:
    found = [f"{path.relative_to(TESTS)}:{number}: {line.strip()}"
             for path in _sources()
             for number, line in enumerate(path.read_text().splitlines(), 1)
             if _CLOCK_OR_RANDOM.search(line) and _ALLOW not in line]
    assert found == []


def test_the_profile_alone_sets_how_many_examples_hypothesis_runs() -> None:
    found = [str(path.relative_to(TESTS)) for path in _sources()
             if _OWN_EXAMPLE_COUNT.search(path.read_text()) and path.name != "conftest.py"]
    assert found == []
