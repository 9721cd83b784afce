"""Hypothesis profiles for every tier, chosen with HYPOTHESIS_PROFILE (default: "default").

"default" is fast and derandomized: the same examples on every machine and every run, so a
green run stays green. "thorough" (``make test-thorough``) draws many more, fresh each run.
Neither keeps an example database: no state is carried from one run to the next. Per-test
settings set step counts and health checks only; the number of examples comes from the profile
(for state machines on emulated AWS through ``emulated_machine_settings``).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = {"deadline": None, "database": None, "suppress_health_check": [HealthCheck.too_slow]}

settings.register_profile("default", max_examples=15, derandomize=True, **_COMMON)  # type: ignore[arg-type]
settings.register_profile("thorough", max_examples=300, print_blob=True, **_COMMON)  # type: ignore[arg-type]
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
settings.load_profile(PROFILE)

# A state machine on emulated AWS provisions a fresh account for every example and makes several
# emulated calls per step: the bulk of the integration tier. The default profile runs a few long
# examples of each (the same ones every run); "thorough" runs the profile's full count.
_EMULATED_MACHINE_SHARE = {"default": 3}  # the profile's examples divided by this; others: all of them


def emulated_machine_settings(*, steps: int) -> settings:
    """The budget of a state machine on emulated AWS: ``steps`` steps, examples from the profile."""
    profile_examples: int = settings.default.max_examples  # type: ignore[union-attr]
    examples = max(2, profile_examples // _EMULATED_MACHINE_SHARE.get(PROFILE, 1))
    return settings(max_examples=examples, stateful_step_count=steps)


# On the fakes a machine is pure Python: the same rules get many more examples for little time.
_FAKE_MACHINE_FACTOR = {"default": 10, "thorough": 5}


def fake_machine_settings(*, steps: int) -> settings:
    """The budget of a state machine on the in-memory fakes: a multiple of the profile's examples."""
    profile_examples: int = settings.default.max_examples  # type: ignore[union-attr]
    return settings(max_examples=profile_examples * _FAKE_MACHINE_FACTOR.get(PROFILE, 1), stateful_step_count=steps)
