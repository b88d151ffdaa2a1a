"""How numbers appear in reasons: canonical values with an SI prefix, relative values in ppm/%.

Reasons are read by people (``metro status``, ``metro chain``): "U 20 ppm where ≤ 16.7 ppm was
needed" rather than "2e-05". Values stay in the kind's canonical unit; only a prefix is chosen.
"""

from __future__ import annotations

import math
from typing import Final

#: Canonical units that take an SI prefix in a reason (10 MPa, 2 mV); others print as they are.
_PREFIXABLE: Final = frozenset(
    {"Pa", "V", "A", "ohm", "F", "H", "W", "N", "Hz", "s", "T", "Bq", "Gy", "S/m", "V/m"}
)
_PREFIXES: Final = ((1e9, "G"), (1e6, "M"), (1e3, "k"), (1.0, ""), (1e-3, "m"), (1e-6, "µ"),
                    (1e-9, "n"), (1e-12, "p"))


def number(x: float) -> str:
    """Three significant digits, no exponent for everyday magnitudes."""
    if x == 0 or not math.isfinite(x):
        return "0" if x == 0 else str(x)
    return f"{x:.3g}"


def value(x: float, unit: str) -> str:
    """``1e7, "Pa"`` → ``"10 MPa"``; ``233.15, "K"`` → ``"233 K"``."""
    if unit in _PREFIXABLE and x != 0 and math.isfinite(x):
        for factor, prefix in _PREFIXES:
            if abs(x) >= factor * 0.9995:
                return f"{number(x / factor)} {prefix}{unit}"
        factor, prefix = _PREFIXES[-1]
        return f"{number(x / factor)} {prefix}{unit}"
    return f"{number(x)} {unit}"


def span(lo: float, hi: float, unit: str) -> str:
    return f"{value(lo, unit)} … {value(hi, unit)}"


def relative(r: float) -> str:
    """``2e-5`` → ``"20 ppm"``; ``0.004`` → ``"0.4 %"``."""
    if abs(r) < 1e-3:
        return f"{number(r * 1e6)} ppm"
    return f"{number(r * 100)} %"
