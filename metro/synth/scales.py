"""Unit spellings the generator writes, their float conversions and number formatting.

The generator never calls pint: every quantity it writes uses a spelling listed here, each with
a dimension tag and a factor (plus an offset for ``degC``) to a coherent base of that dimension.
A value converts to a kind's canonical unit as ``base(value) / base(canonical)``, so the
arithmetic behind adequacy checks is plain floats. Scales pint does not know (``%RH``, ``HRC``,
``HB``, ``pH``, ``dB``, ``NTU``, ``D``, ``r/min``) are their own bases.
"""

from __future__ import annotations

import math
from typing import Final

from metro.errors import InvalidInput

# spelling -> (dimension tag, factor to the dimension's base, offset added after scaling)
UNITS: Final[dict[str, tuple[str, float, float]]] = {
    # length
    "nm": ("length", 1e-9, 0.0),
    "um": ("length", 1e-6, 0.0),
    "mm": ("length", 1e-3, 0.0),
    "m": ("length", 1.0, 0.0),
    "km": ("length", 1e3, 0.0),
    "arcsec": ("angle", math.pi / 648000.0, 0.0),
    # thermal
    "K": ("temperature", 1.0, 0.0),
    "degC": ("temperature", 1.0, 273.15),
    "%RH": ("relative_humidity", 1.0, 0.0),
    "W/m^2": ("heat_flux", 1.0, 0.0),
    "W/(m*K)": ("thermal_conductivity", 1.0, 0.0),
    # mechanics
    "mg": ("mass", 1e-6, 0.0),
    "g": ("mass", 1e-3, 0.0),
    "kg": ("mass", 1.0, 0.0),
    "t": ("mass", 1e3, 0.0),
    "N": ("force", 1.0, 0.0),
    "kN": ("force", 1e3, 0.0),
    "MN": ("force", 1e6, 0.0),
    "N*m": ("torque", 1.0, 0.0),
    "Pa": ("pressure", 1.0, 0.0),
    "kPa": ("pressure", 1e3, 0.0),
    "MPa": ("pressure", 1e6, 0.0),
    "HRC": ("hardness_hrc", 1.0, 0.0),
    "HRB": ("hardness_hrb", 1.0, 0.0),
    "HV": ("hardness_hv", 1.0, 0.0),
    "HB": ("hardness_hb", 1.0, 0.0),
    "m^3/h": ("volume_flow", 1.0 / 3600.0, 0.0),
    "L/h": ("volume_flow", 1e-3 / 3600.0, 0.0),
    "kg/h": ("mass_flow", 1.0 / 3600.0, 0.0),
    "L": ("volume", 1e-3, 0.0),
    "mL": ("volume", 1e-6, 0.0),
    "m^3": ("volume", 1.0, 0.0),
    "kg/m^3": ("density", 1.0, 0.0),
    "mg/L": ("density", 1e-3, 0.0),
    "m/s": ("velocity", 1.0, 0.0),
    "r/min": ("rotational_speed", 1.0, 0.0),
    "m/s^2": ("acceleration", 1.0, 0.0),
    # electromagnetism
    "uV": ("voltage", 1e-6, 0.0),
    "mV": ("voltage", 1e-3, 0.0),
    "V": ("voltage", 1.0, 0.0),
    "kV": ("voltage", 1e3, 0.0),
    "uA": ("current", 1e-6, 0.0),
    "mA": ("current", 1e-3, 0.0),
    "A": ("current", 1.0, 0.0),
    "kA": ("current", 1e3, 0.0),
    "ohm": ("resistance", 1.0, 0.0),
    "kohm": ("resistance", 1e3, 0.0),
    "Mohm": ("resistance", 1e6, 0.0),
    "Gohm": ("resistance", 1e9, 0.0),
    "pF": ("capacitance", 1e-12, 0.0),
    "nF": ("capacitance", 1e-9, 0.0),
    "uF": ("capacitance", 1e-6, 0.0),
    "F": ("capacitance", 1.0, 0.0),
    "uH": ("inductance", 1e-6, 0.0),
    "mH": ("inductance", 1e-3, 0.0),
    "H": ("inductance", 1.0, 0.0),
    "uW": ("power", 1e-6, 0.0),
    "mW": ("power", 1e-3, 0.0),
    "W": ("power", 1.0, 0.0),
    "kW": ("power", 1e3, 0.0),
    "kW*h": ("energy", 3.6e6, 0.0),
    "mT": ("magnetic_flux_density", 1e-3, 0.0),
    "T": ("magnetic_flux_density", 1.0, 0.0),
    # radio, time, optics, acoustics
    "dB": ("decibel", 1.0, 0.0),
    "V/m": ("field_strength", 1.0, 0.0),
    "Hz": ("frequency", 1.0, 0.0),
    "kHz": ("frequency", 1e3, 0.0),
    "MHz": ("frequency", 1e6, 0.0),
    "GHz": ("frequency", 1e9, 0.0),
    "ns": ("time", 1e-9, 0.0),
    "us": ("time", 1e-6, 0.0),
    "ms": ("time", 1e-3, 0.0),
    "s": ("time", 1.0, 0.0),
    "lx": ("illuminance", 1.0, 0.0),
    "cd": ("luminous_intensity", 1.0, 0.0),
    "cd/m^2": ("luminance", 1.0, 0.0),
    "D": ("vertex_power", 1.0, 0.0),
    "%": ("ratio", 1e-2, 0.0),
    # ionizing radiation
    "Gy/h": ("dose_rate", 1.0 / 3600.0, 0.0),
    "mGy/h": ("dose_rate", 1e-3 / 3600.0, 0.0),
    "uGy/h": ("dose_rate", 1e-6 / 3600.0, 0.0),
    "Sv/h": ("dose_rate", 1.0 / 3600.0, 0.0),
    "mSv/h": ("dose_rate", 1e-3 / 3600.0, 0.0),
    "uSv/h": ("dose_rate", 1e-6 / 3600.0, 0.0),
    "Gy": ("dose", 1.0, 0.0),
    "Bq": ("activity", 1.0, 0.0),
    "kBq": ("activity", 1e3, 0.0),
    "MBq": ("activity", 1e6, 0.0),
    "GBq": ("activity", 1e9, 0.0),
    # physical chemistry
    "pH": ("ph", 1.0, 0.0),
    "S/m": ("conductivity", 1.0, 0.0),
    "uS/cm": ("conductivity", 1e-4, 0.0),
    "umol/mol": ("amount_fraction", 1e-6, 0.0),
    "NTU": ("turbidity", 1.0, 0.0),
    "mm^2/s": ("kinematic_viscosity", 1e-6, 0.0),
}

RELATIVE: Final[dict[str, float]] = {"%": 1e-2, "ppm": 1e-6}


def split(text: str) -> tuple[float, str]:
    """``"0.02 kPa"`` -> ``(0.02, "kPa")``; the unit must be a known spelling."""
    number, _, unit = text.strip().partition(" ")
    if unit not in UNITS:
        raise InvalidInput(f"unit {unit!r} in {text!r} is not a spelling the generator knows")
    return float(number), unit


def dimension(unit: str) -> str:
    return UNITS[unit][0]


class Converter:
    """Float conversions into one canonical unit (the catalogue's unit of a quantity kind)."""

    __slots__ = ("canonical", "dim", "factor", "offset")

    def __init__(self, canonical: str) -> None:
        self.canonical = canonical
        self.dim, self.factor, self.offset = UNITS[canonical]

    def _check(self, unit: str) -> tuple[float, float]:
        dim, factor, offset = UNITS[unit]
        if dim != self.dim:
            raise InvalidInput(f"unit {unit!r} does not fit canonical unit {self.canonical!r}")
        return factor, offset

    def value(self, number: float, unit: str) -> float:
        """An absolute value (a range end): offsets apply."""
        factor, offset = self._check(unit)
        return (number * factor + offset - self.offset) / self.factor

    def difference(self, number: float, unit: str) -> float:
        """An uncertainty or MPE: scaled without offset."""
        factor, _ = self._check(unit)
        return number * factor / self.factor

    def to_unit(self, canonical_value: float, unit: str, *, difference: bool = False) -> float:
        factor, offset = self._check(unit)
        base = canonical_value * self.factor + (0.0 if difference else self.offset)
        return (base - (0.0 if difference else offset)) / factor


def relative(text: str) -> float:
    """``"0.02 %"`` -> 2e-4, ``"5 ppm"`` -> 5e-6, ``"0.0002"`` -> 2e-4."""
    number, _, unit = text.strip().partition(" ")
    if not unit:
        return float(number)
    try:
        return float(number) * RELATIVE[unit]
    except KeyError:
        raise InvalidInput(f"relative value {text!r}: use % or ppm") from None


def num(x: float, digits: int = 6) -> str:
    """A short decimal without exponent: 0.1 -> "0.1", 1296000.0 -> "1296000",
    1e-7 -> "0.0000001"."""
    if x == 0:
        return "0"
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        exp = int(exponent)
        sign = "-" if mantissa.startswith("-") else ""
        digits_only = mantissa.lstrip("-").replace(".", "")
        point = len(mantissa.lstrip("-").split(".")[0]) + exp
        if point <= 0:
            text = f"{sign}0.{'0' * -point}{digits_only}"
        elif point >= len(digits_only):
            text = f"{sign}{digits_only}{'0' * (point - len(digits_only))}"
        else:
            text = f"{sign}{digits_only[:point]}.{digits_only[point:]}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def quantity(x: float, unit: str, digits: int = 6) -> str:
    return f"{num(x, digits)} {unit}"
