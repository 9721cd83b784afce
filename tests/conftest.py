"""Hypothesis profiles for every tier, chosen with HYPOTHESIS_PROFILE (default: "default").

"default" is fast and derandomized: the same examples on every machine and every run, so a
green run stays green. "thorough" (``make test-thorough``) draws many more, fresh each run.
Neither keeps an example database: no state is carried from one run to the next. Per-test
settings set step counts and health checks only; the number of examples is the profile's.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = {"deadline": None, "database": None, "suppress_health_check": [HealthCheck.too_slow]}

settings.register_profile("default", max_examples=15, derandomize=True, **_COMMON)  # type: ignore[arg-type]
settings.register_profile("thorough", max_examples=300, print_blob=True, **_COMMON)  # type: ignore[arg-type]
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
