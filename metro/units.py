"""Units: the process's one pint registry, the project's scales, accepted spellings, converters.

Values are stored twice: as given (``"0.02 kPa"``) and as a float in the quantity kind's
canonical unit. pint runs at the edges only: the first time a unit string is seen for a kind it
is parsed, checked and turned into a linear map ``canonical = m * scale + offset`` that is
cached; every later call is a regex split, ``float()`` and a dict lookup (about 1 µs).

**One registry.** ``ureg`` is built at import (~0.3 s) and made pint's application registry.

**Scales pint does not know** are each defined as a *new base dimension*, so a scale never
converts into another scale, into percent or into anything pint already knows:

- ``%RH`` (also ``%rh``, ``% RH``) → ``metro_percent_RH``, a 0-100 scale, ``[relative_humidity]``
- ``pH`` → ``metro_pH``, ``[pH]``
- ``HRC`` → ``metro_HRC``, ``[rockwell_c]``; ``HRB`` → ``metro_HRB``, ``[rockwell_b]``
- ``HV`` → ``metro_HV``, ``[vickers]``; ``HB``/``HBW`` → ``metro_HB``, ``[brinell]``
- ``dB``, ``dB(A)``, ``dB(C)``, ``dB(Z)``, ``dBA``, ``decibel`` → ``metro_dB``, ``[level]``
- ``NTU`` → ``metro_NTU``, ``[turbidity]``
- ``r``, ``rev``, ``revolution`` → ``metro_rev``, ``[rotation]``; ``rpm`` = r/min, ``rps`` = r/s
- ``Sv`` (with any SI prefix), ``sievert`` → ``metro_Sv``, ``[dose_equivalent]``
- ``D``, ``dpt``, ``dioptre`` → ``metro_dioptre`` = 1/m (not a new dimension; pint's ``D`` is
  the debye and ``dpt`` the decipint, neither reachable any more)
- ``ppb`` → ``metro_ppb`` = 1e-9 (dimensionless)

Decisions:

* Rotational speed has its own dimension ``[rotation]/[time]``: ``1 r/s == 60 r/min`` exactly,
  and neither ``Hz`` nor ``rad/s`` nor pint's own ``rpm`` (= 2π rad/min) converts into it, so
  the 2π slip between turns, radians and cycles cannot happen silently.
* ``dB`` is one level scale shared by attenuation and sound pressure level (kinds keep them
  apart). The frequency weighting in ``dB(A)``/``dB(C)``/``dB(Z)``/``dBA`` belongs to the
  measurement, not the unit: those spellings are aliases of ``dB``. Logarithmic units with a
  reference (``dBm``, ``dBW``, ``dBV``, ``dBuV``, ``Np``, ``B``...) are rejected: give the power or
  voltage in a linear unit.
* ``Sv`` is its own dimension: pint makes Sv and Gy both J/kg, which would let an air-kerma
  value (Gy) pass as a dose-equivalent value (Sv). ``Gy`` stays pint's J/kg.
* Gauge/absolute pressure qualifiers (``bar(g)``, ``kPa(a)``, ``barg``, ``psig``...) are
  accepted and dropped: the value is read in the plain pressure unit. The qualifier is only
  accepted on a pressure unit.
* ``ppb`` is supported (1e-9). ``ppt`` (thousand or trillion?) and ``%FS``/``FS`` (percent of
  full scale: not a unit, convert it to an absolute term) are rejected with a clear message.
* Vickers/Brinell/Rockwell variants with a test-force or other scale (``HV10``, ``HR15N``) are
  rejected: only the catalogued ``HRC``, ``HRB``, ``HV``, ``HB`` are units.
* A kind accepts a unit only when the unit's *root units* equal those of the kind's canonical
  unit (pint's dimensionality plus the dimensionless roots radian, count, bit, shown in
  messages as ``[angle]``, ``[count]``, ``[information]``). So ``%`` is not an angle, ``rad/s``
  is not ``Hz``, ``cd/m^2`` (luminance) is not ``lx`` (illuminance, cd·sr/m²), and ``Hz`` is not
  ``Bq`` (pint defines the becquerel as counts per second).
* A bare number (no unit) is accepted only for the pure scales ``pH``, ``HRC``, ``HRB``,
  ``HV``, ``HB``, ``dB``, ``NTU``, where it can only mean the scale value. It is rejected for
  every other kind, ``%RH`` and ``%`` included (``0.45`` could mean a fraction or per cent).
  :func:`relative` reads a bare number as a fraction.

**Offset units.** ``parse_quantity`` splits magnitude and unit itself, so pint never evaluates
``Quantity("-40 degC")``. :func:`canonical` converts absolute values (range ends, readings:
-40 °C → 233.15 K) with ``difference=False`` and differences (uncertainty, MPE: 0.9 °F →
0.5 K) with ``difference=True``, which keeps the scale and drops the offset. Inside compound
units (``W/(m*degC)``) pint itself reads degC as a difference.

**Accepted spellings** (rewritten before pint sees the unit): ``℃``/``°C`` → degC, ``℉``/
``°F`` → degF, ``°`` → degree (angle), ``′``/``″`` → arcmin/arcsec, ``µ``/``μ`` → u, ``Ω`` →
ohm, ``‰`` → permille, ``·``/``⋅``/``×`` → ``*``, superscripts (``m³``, ``s⁻²``) → ``^3``,
``^-2``, ``m2``/``m3`` (and prefixed: ``mm2``, ``cm3``) → ``m^2``/``m^3``, ``Nm``/``kNm`` →
``N*m``, ``%RH`` and the scales above; ``kWh`` and ``N.m`` pint reads itself. Anything pint
then parses is still checked against the kind, so a silent mis-parse (``pct`` = picocarat,
``Mpa`` = undefined, ``RH`` = ronnahenry) is rejected instead of converted.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Final, TypeVar

import pint

from metro.quantity_kinds import QuantityKind, get_kind
from metro.unit_registry import (
    BARE_SCALES,
    PSEUDO_DIMENSIONS,
    UnitError,
    UnitMismatch,
    ureg,
)
from metro.unit_spellings import to_pint_expression

__all__ = [
    "UnitError",
    "UnitMismatch",
    "canonical",
    "converter",
    "dimension",
    "format_quantity",
    "parse_quantity",
    "parse_unit",
    "relative",
    "ureg",
]


_CACHE_LIMIT: Final = 1 << 16
_K = TypeVar("_K")
_V = TypeVar("_V")


def _remember(cache: dict[_K, _V], key: _K, value: _V) -> _V:
    """Store in a cache; a cache that outgrows the limit (garbage input) starts afresh."""
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value
    return value


_UNITS: dict[str, pint.Unit] = {}
_BAD_UNITS: dict[str, str] = {}


def _unit_or_reason(unit: str) -> pint.Unit | str:
    """The parsed unit (cached), or the reason it is refused (also cached)."""
    hit = _UNITS.get(unit)
    if hit is not None:
        return hit
    reason = _BAD_UNITS.get(unit)
    if reason is not None:
        return reason
    try:
        expression = to_pint_expression(unit)
        if not expression.strip():
            parsed = ureg.dimensionless
        else:
            try:
                parsed = ureg.parse_units(expression)
            except Exception as e:  # pint's errors: UndefinedUnitError, syntax, ValueError...
                detail = str(e) or type(e).__name__
                raise UnitError(f"unit {unit!r} is not understood ({detail})") from None
    except UnitError as e:
        _remember(_BAD_UNITS, unit, e.message)
        return e.message
    _remember(_UNITS, unit, parsed)
    return parsed


def parse_unit(unit: str) -> pint.Unit:
    """The pint unit for ``unit`` after the project's spellings; ``""`` is dimensionless.

    Raises ``UnitError`` naming the unit and why. Cached per string.
    """
    got = _unit_or_reason(unit)
    if isinstance(got, str):
        raise UnitError(got, text=unit)
    return got


def _root(unit: pint.Unit) -> pint.Unit:
    return ureg.get_root_units(unit)[1]


def _describe(unit: pint.Unit) -> str:
    """``[mass]/[length]/[time]^2``; dimensionless roots shown as ``[angle]``, ``[count]``."""
    exps = {name: float(exp) for name, exp in unit.dimensionality.items()}  # type: ignore[arg-type]
    for name, exp in _root(unit)._units.items():
        if name in PSEUDO_DIMENSIONS or not ureg.get_dimensionality(name):
            pseudo = PSEUDO_DIMENSIONS.get(name, f"[{name}]")
            exps[pseudo] = exps.get(pseudo, 0.0) + float(exp)  # type: ignore[arg-type]

    def power(name: str, exp: float) -> str:
        e = abs(exp)
        if e == 1:
            return name
        return f"{name}^{int(e) if float(e).is_integer() else e}"

    num = [power(n, e) for n, e in exps.items() if e > 0]
    den = [power(n, e) for n, e in exps.items() if e < 0]
    if not num and not den:
        return "dimensionless"
    return "*".join(num or ["1"]) + "".join(f"/{d}" for d in den)


def dimension(unit: str) -> str:
    """Readable dimension of a unit string, e.g. ``"[mass]/[length]/[time]^2"`` for ``kPa``."""
    return _describe(parse_unit(unit))


# --------------------------------------------------------------------------------------------
# Numbers

_NUMBER: Final = r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
_split = re.compile(rf"[ \t]*({_NUMBER})[ \t]*(.*)", re.ASCII | re.DOTALL).fullmatch
_TEXT_CHARS: Final = (("\u2212", "-"), ("\u00a0", " "), ("\u202f", " "), ("\u3000", " "))


def _clean(text: str) -> str:
    for old, new in _TEXT_CHARS:
        if old in text:
            text = text.replace(old, new)
    return text.strip()


def _same_split(raw_unit: str, unit: str) -> bool:
    """True when the fast split of the raw text found the same unit as ``parse_quantity``.

    ``"5e−3 kPa"`` (U+2212) splits raw as 5 + ``"e−3 kPa"`` but reads as 5e-3 kPa: that raw
    unit must not be cached, or ``"7e−3 kPa"`` would take the fast path as 7 kPa.
    """
    return _clean(raw_unit) == unit


def parse_quantity(text: str) -> tuple[float, str]:
    """Split ``"0.02 kPa"`` into ``(0.02, "kPa")`` without pint evaluating anything.

    The number is a plain decimal (``-40``, ``1.5e-3``, ``.5``; the space before the unit is
    optional: ``100MPa``); a missing unit gives ``""``. The unit comes back as given (stripped);
    it is only checked lexically here: :func:`parse_unit` and :func:`canonical` check it.
    Raises ``UnitError`` for an empty text, no number, ``nan``/``inf``, a number too large for
    a float, a decimal comma or digit grouping.
    """
    raw = text
    text = _clean(text)
    if not text:
        raise UnitError(f"{raw!r}: empty quantity, expected a number and a unit", text=raw)
    m = _split(text)
    if m is None:
        raise UnitError(
            f"{raw!r}: expected a decimal number first (e.g. '0.02 kPa'); "
            "nan and inf are not accepted",
            text=raw,
        )
    number, unit = m.groups()
    unit = unit.strip()
    if unit[:1] == ",":
        raise UnitError(f"{raw!r}: use '.' as the decimal separator, not ','", text=raw)
    if unit[:1] and unit[0] in "0123456789.+-_":
        raise UnitError(
            f"{raw!r}: unexpected {unit[0]!r} after the number {number!r} "
            "(no digit grouping, one number only)",
            text=raw,
        )
    value = float(number)
    if not math.isfinite(value):
        raise UnitError(f"{raw!r}: the number is not finite", text=raw)
    return value, unit


def format_quantity(value: float, unit: str) -> str:
    """``"0.02 kPa"``; :func:`parse_quantity` reads it back exactly (repr, ``100.0`` → ``100``)."""
    value = float(value)
    if not math.isfinite(value):
        raise UnitError(f"cannot format the non-finite value {value!r} {unit}")
    number = repr(value)
    if number.endswith(".0"):
        number = number[:-2]
    unit = unit.strip()
    return f"{number} {unit}" if unit else number


# --------------------------------------------------------------------------------------------
# Conversions


@dataclass(frozen=True, slots=True)
class _Failure:
    """A cached refusal; ``error(subject)`` builds the exception for one text."""

    reason: str
    mismatch: tuple[str, str, str, str] | None = None  # unit, kind, got, expected

    def error(self, subject: str) -> UnitError:
        message = f"{subject}: {self.reason}"
        if self.mismatch is None:
            return UnitError(message, text=subject)
        unit, kind, got, expected = self.mismatch
        return UnitMismatch(message, text=subject, unit=unit, kind=kind, got=got, expected=expected)


# (mul, div, offset): canonical = m * mul / div + offset. A divisor keeps 0.5 % → 0.005 exact.
_Conv = tuple[float, float, float]
_CONV: dict[tuple[str, str, bool], _Conv] = {}
_FAILED: dict[tuple[str, str, bool], _Failure] = {}
_REL: dict[str, _Conv] = {}
_REL_FAILED: dict[str, _Failure] = {}


class _Refused(Exception):
    """Internal: carries a cacheable refusal out of ``_compute``."""

    def __init__(self, failure: _Failure) -> None:
        super().__init__(failure.reason)
        self.failure = failure


def _as_conv(scale: float, offset: float) -> _Conv:
    if 0.0 < abs(scale) < 1.0:
        inverse = 1.0 / scale
        rounded = float(round(inverse))
        if rounded and abs(inverse - rounded) <= 1e-9 * abs(rounded):
            return (1.0 if scale > 0 else -1.0, abs(rounded), offset)
    return (scale, 1.0, offset)


def _delta(unit: pint.Unit) -> pint.Unit:
    """``degC`` → ``delta_degC`` (pint's name for a temperature difference); others unchanged."""
    items = unit._units
    if len(items) == 1:
        ((name, exp),) = items.items()
        if exp == 1 and f"delta_{name}" in ureg:
            return ureg.parse_units(f"delta_{name}")
    return unit


def _canonical_unit(kind: QuantityKind) -> pint.Unit:
    got = _unit_or_reason(kind.canonical_unit)
    if isinstance(got, str):
        raise RuntimeError(f"quantity kind {kind.code}: canonical unit is unusable: {got}")
    return got


def _compute(unit: str, kind: QuantityKind, difference: bool) -> _Conv:
    """The linear map from ``unit`` to the kind's canonical unit, or ``_Refused``."""
    target = _canonical_unit(kind)
    expected = _describe(target)
    where = f"kind {kind.code} ({kind.canonical_unit})"
    if not unit.strip():
        if str(target) in BARE_SCALES:
            return (1.0, 1.0, 0.0)
        raise _Refused(_Failure(f"has no unit; {where} needs a unit of {expected}"))
    source = _unit_or_reason(unit)
    if isinstance(source, str):
        raise _Refused(_Failure(source))
    if source == target:
        return (1.0, 1.0, 0.0)
    if _root(source) != _root(target):
        got = _describe(source)
        raise _Refused(
            _Failure(
                f"unit {unit!r} has dimension {got}; {where} needs {expected}",
                (unit, kind.code, got, expected),
            )
        )
    try:
        offset = float(ureg.Quantity(0.0, source).to(target).magnitude)
        if offset == 0.0:
            scale = float(ureg.Quantity(1.0, source).to(target).magnitude)
        else:
            scale = float(ureg.Quantity(1.0, _delta(source)).to(_delta(target)).magnitude)
        probe = float(ureg.Quantity(1000.0, source).to(target).magnitude)
    except Exception as e:  # pint: offset calculus, dimensionality...
        raise _Refused(_Failure(f"unit {unit!r} cannot be converted to {where} ({e})")) from None
    if not math.isclose(probe, 1000.0 * scale + offset, rel_tol=1e-9, abs_tol=1e-12):
        raise _Refused(_Failure(f"unit {unit!r} is not linear (logarithmic?); {where}"))
    return _as_conv(scale, 0.0 if difference else offset)


def _lookup(unit: str, kind: QuantityKind | str, difference: bool, subject: str) -> _Conv:
    code = kind if isinstance(kind, str) else kind.code
    key = (unit, code, difference)
    conv = _CONV.get(key)
    if conv is not None:
        return conv
    failure = _FAILED.get(key)
    if failure is None:
        try:
            conv = _compute(unit, get_kind(kind) if isinstance(kind, str) else kind, difference)
        except _Refused as refused:
            failure = _remember(_FAILED, key, refused.failure)
        else:
            _remember(_CONV, key, conv)
            return conv
    raise failure.error(subject)


def converter(unit: str, kind: QuantityKind | str, *, difference: bool) -> tuple[float, float]:
    """``(scale, offset)`` with ``canonical = magnitude * scale + offset``, for numpy arrays.

    ``difference=True`` gives offset 0 (uncertainties, MPE). Cached per (unit, kind, mode).
    """
    mul, div, offset = _lookup(unit, kind, difference, repr(unit))
    return (mul / div, offset)


def canonical(text: str, kind: QuantityKind | str, *, difference: bool = False) -> float:
    """``"-40 degC"`` → 233.15 for kind ``temperature``: the value in the kind's canonical unit.

    ``difference=False`` converts an absolute value (range end, reading); ``difference=True``
    a difference (uncertainty, MPE: ``0.9 degF`` → 0.5 K). Raises ``UnitMismatch`` when the
    unit's dimension does not fit the kind, ``UnitError`` for an unreadable text. Hot path:
    after the first call per (unit, kind, mode), no pint. Kinds are identified by code: the
    cache assumes one canonical unit per code, as in the catalogue.
    """
    code = kind if isinstance(kind, str) else kind.code
    m = _split(text)
    if m is not None:
        number, unit = m.groups()
        conv = _CONV.get((unit, code, difference))
        if conv is not None:
            value = float(number)
            if value - value == 0.0:  # finite
                return value * conv[0] / conv[1] + conv[2]
    value, unit = parse_quantity(text)
    mul, div, offset = _lookup(unit, kind, difference, repr(text))
    if m is not None and _same_split(m.group(2), unit):  # next time: the fast path
        _remember(_CONV, (m.group(2), code, difference), (mul, div, offset))
    return value * mul / div + offset


def _relative_factor(unit: str, subject: str) -> _Conv:
    conv = _REL.get(unit)
    if conv is not None:
        return conv
    failure = _REL_FAILED.get(unit)
    if failure is None:
        failure = _relative_failure(unit)
        if failure is None:
            factor = float(ureg.Quantity(1.0, parse_unit(unit)).to("dimensionless").magnitude)
            conv = _remember(_REL, unit, _as_conv(factor, 0.0))
            return conv
        _remember(_REL_FAILED, unit, failure)
    raise failure.error(subject)


def _relative_failure(unit: str) -> _Failure | None:
    if not unit.strip():
        return None
    parsed = _unit_or_reason(unit)
    if isinstance(parsed, str):
        return _Failure(parsed)
    if _root(parsed) != _root(ureg.dimensionless):
        return _Failure(
            f"unit {unit!r} has dimension {_describe(parsed)}; a relative value must be "
            "dimensionless "
            "(%, ppm, ppb, ‰ or a bare fraction)"
        )
    return None


def relative(text: str) -> float:
    """``"0.5 %"`` → 0.005, ``"20 ppm"`` → 2e-5, ``"1 ‰"`` → 0.001, ``"0.0005"`` → 0.0005.

    A bare number is a fraction. Anything with a dimension (``%RH``, ``arcsec``, ``kPa``) is a
    ``UnitError`` naming the text. An empty text is an error too: callers handle empty cells.
    """
    m = _split(text)
    if m is not None:
        number, unit = m.groups()
        conv = _REL.get(unit)
        if conv is not None:
            value = float(number)
            if value - value == 0.0:
                return value * conv[0] / conv[1]
    value, unit = parse_quantity(text)
    mul, div, _ = _relative_factor(unit, repr(text))
    if m is not None and _same_split(m.group(2), unit):
        _remember(_REL, m.group(2), (mul, div, 0.0))
    return value * mul / div
