"""Test-suite settings: property tests judge results, not speed (a loaded 2-core CI machine must
not turn a slow example into a failure). Performance is measured in benchmarks/, not here."""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("tanfeng", deadline=None, derandomize=False)
settings.load_profile("tanfeng")
