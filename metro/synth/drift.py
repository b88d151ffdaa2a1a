"""Drift in the synthetic history: instruments whose as-found result depends on the time since
their last calibration, so that the interval methods (``metro.model.intervals``) have something
true to find.

A drifting instrument template has a known rate λ (per month): an instrument of it found at t
months after its previous calibration is in tolerance with probability R(t) = e^(−λt), the
exponential model of RP-1 S1. For drifting templates this replaces the generator's flat
verification-fail share: the first certificate passes, each later one fails with probability
1 − e^(−λt), and an instrument found out of tolerance is adjusted and recalibrated 7–40 days
later (so its next result is at a short interval). Calibrations of drifting templates state
``pass`` or ``fail`` so that every result is an as-found result.

Drift draws from its own random stream (``{seed}/drift``), and with drift disabled (the
settings' ``[drift] enabled = false``, the default) the generator's output is byte-for-byte
what it was without this module.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Protocol

from metro.model.intervals import MONTH_DAYS
from metro.synth.settings import Settings


class _Variant(Protocol):
    @property
    def name(self) -> str: ...


class Drift:
    """Per variant: its drift rate (0 when it does not drift), and the draws."""

    def __init__(self, settings: Settings, variants: Sequence[_Variant], seed: int) -> None:
        rates = settings.drift if settings.drift_enabled else {}
        self.rate = [float(rates.get(v.name, 0.0)) for v in variants]
        self.enabled = any(r > 0 for r in self.rate)
        self._rnd = random.Random(f"{seed}/drift").random

    def drifts(self, variant: int) -> bool:
        return self.rate[variant] > 0

    def out_of_tolerance(self, variant: int, previous_day: int | None, day: int) -> bool:
        """Drawn for a certificate on ``day`` (ordinal) after one on ``previous_day``."""
        if previous_day is None:
            return False
        months = (day - previous_day) / MONTH_DAYS
        return self._rnd() >= math.exp(-self.rate[variant] * months)
