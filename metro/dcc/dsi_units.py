r"""D-SI unit strings (``\milli\metre``, ``\metre\second\tothe{-2}``) to and from metro's units.

The DCC schema types ``si:unit`` as a plain string, so a pint string written there would pass
the XSD while being wrong for every DCC reader: this module checks the D-SI syntax itself.

**Syntax read and written** (D-SI 2.x, the SI brochure's units): a sequence of factors, each an
optional prefix (``\kilo``), a unit (``\metre``) and an optional power ``\tothe{n}`` right after
it; a negative power divides. On reading, ``\per`` before a factor inverts that one factor
(siunitx's reading); metro never writes it.

**Units**: the seven base units, the 22 named derived units (``\degreecelsius`` included), the
units accepted with the SI (``\minute \hour \day \degree \arcminute \arcsecond \hectare
\litre \tonne \electronvolt \dalton \astronomicalunit``), ``\gram`` for prefixed masses
(``\milli\gram``; the kilogram is written ``\kilogram`` and takes no further prefix), ``\one``
and ``\percent``. Prefixes ``\yocto`` … ``\yotta``; ``\kilogram``, ``\one``, ``\percent``,
``\degreecelsius`` and the time/angle/area units accepted with the SI take none.

Decisions (where the DCC and DESIGN.md are silent):

* **Non-SI units convert on export** (DESIGN.md): a unit with a D-SI form (``mm``, ``kW*h``,
  ``degC``, ``umol/mol``) is written as given; any other (``psi``, ``bar``, ``degF``, ``inch``)
  is converted to the quantity kind's canonical unit, whose D-SI form is written instead
  (``0.6 psi`` → ``4136.8… \pascal``). Absolute values convert with the offset (°F → K),
  uncertainties as differences (``0.9 degF`` → ``0.5 \kelvin``): :class:`DsiUnit` gives both.
* **%RH is ``\percent``** of relative humidity: relative humidity is a ratio of vapour
  pressures, so the SI writes it in per cent (the DCC good-practice examples use ``\one``); the
  quantity's kind says it is humidity. On import, ``\percent`` (and ``\one``, ×100) for a
  ``relative_humidity`` result reads back as ``%RH``.
* **No D-SI form**, an export error naming the unit: the hardness scales (HRC, HRB, HV, HB),
  pH, NTU, the ``dB`` level scale (metro's dB carries no reference level, and ``\decibel`` alone
  would not say re 20 µPa or re 1 mW; D-SI's ``\decibel``/``\bel``/``\neper`` are refused on
  import too, for the same reason), and revolutions (``r/min``: metro keeps turns apart from
  Hz and rad/s, see :mod:`metro.units`). The dioptre is 1/m and is written ``\metre\tothe{-1}``.
* **Relative values** (``%``, ``ppm``, ``ppb``, ``‰``, bare fractions) are written ``\percent``
  when given in per cent and ``\one`` otherwise (20 ppm → ``2e-05 \one``); D-SI has no ppm.
  :func:`relative_factor` reads ``\percent``/``\one`` back as a fraction (relative uncertainty).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

import pint

from metro.dcc.errors import DsiUnitError
from metro.errors import InvalidInput
from metro.quantity_kinds import get_kind
from metro.units import converter, parse_unit, ureg

# D-SI prefix → (pint prefix name, metro symbol)
PREFIXES: Final[dict[str, tuple[str, str]]] = {
    "yotta": ("yotta", "Y"),
    "zetta": ("zetta", "Z"),
    "exa": ("exa", "E"),
    "peta": ("peta", "P"),
    "tera": ("tera", "T"),
    "giga": ("giga", "G"),
    "mega": ("mega", "M"),
    "kilo": ("kilo", "k"),
    "hecto": ("hecto", "h"),
    "deca": ("deca", "da"),
    "deci": ("deci", "d"),
    "centi": ("centi", "c"),
    "milli": ("milli", "m"),
    "micro": ("micro", "u"),
    "nano": ("nano", "n"),
    "pico": ("pico", "p"),
    "femto": ("femto", "f"),
    "atto": ("atto", "a"),
    "zepto": ("zepto", "z"),
    "yocto": ("yocto", "y"),
}
_PINT_PREFIX: Final = {pint_name: dsi for dsi, (pint_name, _) in PREFIXES.items()} | {
    "deka": "deca"
}

# D-SI unit → (pint unit name, metro symbol, takes a prefix)
UNITS: Final[dict[str, tuple[str, str, bool]]] = {
    "metre": ("meter", "m", True),
    "kilogram": ("kilogram", "kg", False),
    "gram": ("gram", "g", True),
    "second": ("second", "s", True),
    "ampere": ("ampere", "A", True),
    "kelvin": ("kelvin", "K", True),
    "mole": ("mole", "mol", True),
    "candela": ("candela", "cd", True),
    "radian": ("radian", "rad", True),
    "steradian": ("steradian", "sr", True),
    "hertz": ("hertz", "Hz", True),
    "newton": ("newton", "N", True),
    "pascal": ("pascal", "Pa", True),
    "joule": ("joule", "J", True),
    "watt": ("watt", "W", True),
    "coulomb": ("coulomb", "C", True),
    "volt": ("volt", "V", True),
    "farad": ("farad", "F", True),
    "ohm": ("ohm", "ohm", True),
    "siemens": ("siemens", "S", True),
    "weber": ("weber", "Wb", True),
    "tesla": ("tesla", "T", True),
    "henry": ("henry", "H", True),
    "degreecelsius": ("degree_Celsius", "degC", False),
    "lumen": ("lumen", "lm", True),
    "lux": ("lux", "lx", True),
    "becquerel": ("becquerel", "Bq", True),
    "sievert": ("metro_Sv", "Sv", True),
    "gray": ("gray", "Gy", True),
    "katal": ("katal", "kat", True),
    "minute": ("minute", "min", False),
    "hour": ("hour", "h", False),
    "day": ("day", "d", False),
    "degree": ("degree", "deg", False),
    "arcminute": ("arcminute", "arcmin", False),
    "arcsecond": ("arcsecond", "arcsec", False),
    "hectare": ("hectare", "ha", False),
    "litre": ("liter", "L", True),
    "tonne": ("metric_ton", "t", True),
    "electronvolt": ("electron_volt", "eV", True),
    "dalton": ("dalton", "Da", True),
    "astronomicalunit": ("astronomical_unit", "au", False),
    "one": ("dimensionless", "", False),
    "percent": ("percent", "%", False),
}
_BY_PINT: Final = {pint_name: dsi for dsi, (pint_name, _, _) in UNITS.items()}

# Units metro knows that D-SI cannot express; the reason names what to do.
_NO_FORM: Final[dict[str, str]] = {
    "metro_HRC": "HRC (Rockwell C hardness) is a conventional scale with no D-SI unit",
    "metro_HRB": "HRB (Rockwell B hardness) is a conventional scale with no D-SI unit",
    "metro_HV": "HV (Vickers hardness) is a conventional scale with no D-SI unit",
    "metro_HB": "HB (Brinell hardness) is a conventional scale with no D-SI unit",
    "metro_pH": "pH is a conventional scale with no D-SI unit",
    "metro_NTU": "NTU (turbidity) is a conventional scale with no D-SI unit",
    "metro_dB": "dB is a level without a stated reference; D-SI cannot say re what",
    "metro_rev": "revolutions (r/min) have no D-SI unit and metro does not turn them into Hz",
}
# D-SI words that are valid D-SI but that metro refuses to read (see the module docstring).
_REFUSED_ON_READ: Final[dict[str, str]] = {
    "decibel": "a level without a stated reference level; give the linear quantity",
    "bel": "a level without a stated reference level; give the linear quantity",
    "neper": "a level without a stated reference level; give the linear quantity",
}
_RELATIVE_HUMIDITY: Final = "relative_humidity"

_TOKEN: Final = re.compile(r"\\([A-Za-z]+)(?:\{([^{}\\]*)\})?")
_POWER: Final = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]+)?)")


@dataclass(frozen=True, slots=True)
class DsiFactor:
    """One factor of a D-SI unit: ``prefix`` (D-SI name or ""), ``unit`` and its power."""

    prefix: str
    unit: str
    power: float

    def dsi(self) -> str:
        text = (f"\\{self.prefix}" if self.prefix else "") + f"\\{self.unit}"
        if self.power != 1:
            text += f"\\tothe{{{_number(self.power)}}}"
        return text


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def parse_dsi(text: str) -> tuple[DsiFactor, ...]:
    r"""The factors of a D-SI unit string; ``DsiUnitError`` naming the string and why.

    ``\milli\metre`` → (milli, metre, 1); ``\metre\per\second`` → (metre, 1), (second, -1).
    """
    s = text.strip()
    if not s:
        raise DsiUnitError(f"D-SI unit {text!r}: empty")
    pos = 0
    factors: list[DsiFactor] = []
    prefix = ""
    invert = False
    for m in _TOKEN.finditer(s):
        if m.start() != pos:
            raise DsiUnitError(
                f"D-SI unit {text!r}: unexpected {s[pos : m.start()]!r} at character {pos + 1} "
                "(every part starts with a backslash)"
            )
        pos = m.end()
        word, arg = m.group(1), m.group(2)
        if word == "tothe":
            if prefix or not factors or arg is None or not _POWER.fullmatch(arg.strip()):
                raise DsiUnitError(
                    f"D-SI unit {text!r}: \\tothe{{{arg}}} must follow a unit and hold a number"
                )
            last = factors[-1]
            if last.power not in (1, -1):
                raise DsiUnitError(f"D-SI unit {text!r}: two powers on one unit")
            factors[-1] = DsiFactor(last.prefix, last.unit, last.power * float(arg))
            continue
        if arg is not None:
            raise DsiUnitError(f"D-SI unit {text!r}: \\{word} takes no argument")
        if word == "per":
            if prefix or invert:
                raise DsiUnitError(f"D-SI unit {text!r}: \\per must come before a unit")
            invert = True
            continue
        if word in PREFIXES:
            if prefix:
                raise DsiUnitError(f"D-SI unit {text!r}: two prefixes \\{prefix}\\{word}")
            prefix = word
            continue
        if word in _REFUSED_ON_READ:
            raise DsiUnitError(f"D-SI unit {text!r}: \\{word} is {_REFUSED_ON_READ[word]}")
        if word not in UNITS:
            raise DsiUnitError(f"D-SI unit {text!r}: \\{word} is not a D-SI unit or prefix")
        if prefix and not UNITS[word][2]:
            raise DsiUnitError(f"D-SI unit {text!r}: \\{word} takes no prefix (\\{prefix})")
        factors.append(DsiFactor(prefix, word, -1.0 if invert else 1.0))
        prefix = ""
        invert = False
    if pos != len(s):
        raise DsiUnitError(
            f"D-SI unit {text!r}: unexpected {s[pos:]!r} at character {pos + 1} "
            "(every part starts with a backslash)"
        )
    if prefix or invert:
        raise DsiUnitError(f"D-SI unit {text!r}: ends with a prefix or \\per, without a unit")
    if len(factors) > 1 and any(f.unit == "one" for f in factors):
        raise DsiUnitError(f"D-SI unit {text!r}: \\one stands alone")
    return tuple(factors)


def is_dsi(text: str) -> bool:
    """True when ``text`` is a D-SI unit string this module reads."""
    try:
        parse_dsi(text)
    except DsiUnitError:
        return False
    return True


def _symbol(f: DsiFactor) -> str:
    base = UNITS[f.unit][1]
    sym = (PREFIXES[f.prefix][1] if f.prefix else "") + base
    p = abs(f.power)
    return sym if p == 1 else f"{sym}^{_number(p)}"


def from_dsi(text: str, kind: str | None = None) -> tuple[str, float]:
    r"""A D-SI unit as a metro unit string and the factor to apply to the value.

    ``\milli\metre`` → ``("mm", 1.0)``; ``\metre\second\tothe{-2}`` → ``("m/s^2", 1.0)``. For a
    ``relative_humidity`` kind, ``\percent`` reads as ``("%RH", 1.0)`` and ``\one`` as
    ``("%RH", 100.0)``. The result is checked with :func:`metro.units.parse_unit`.
    """
    factors = parse_dsi(text)
    if kind == _RELATIVE_HUMIDITY and len(factors) == 1 and factors[0].power == 1:
        if factors[0].unit == "percent":
            return "%RH", 1.0
        if factors[0].unit == "one":
            return "%RH", 100.0
    num = [_symbol(f) for f in factors if f.power > 0]
    den = [_symbol(f) for f in factors if f.power < 0]
    if num:
        unit = "*".join(num) + "".join(f"/{d}" for d in den)
    else:
        # metro reads "1/s" as the number 1 and a unit: write reciprocals as negative powers.
        unit = "*".join(
            f"{_symbol(DsiFactor(f.prefix, f.unit, 1.0))}^{_number(f.power)}"
            for f in factors
            if f.power < 0
        )
    try:
        parsed = parse_unit(unit)
    except InvalidInput as exc:  # a symbol clash would be a bug in the tables above
        raise DsiUnitError(
            f"D-SI unit {text!r}: read as {unit!r}, which metro refuses: {exc}"
        ) from None
    if kind is not None and parsed == ureg.dimensionless:
        # A pure number (\one, or \percent written as a fraction) for a relative kind (%,
        # ppm...): read it in the kind's unit, since metro refuses a bare number there.
        target = get_kind(kind).canonical_unit
        try:
            factor = float(ureg.Quantity(1.0, parsed).to(parse_unit(target)).magnitude)
        except pint.errors.DimensionalityError:
            return unit, 1.0
        return target, factor
    return unit, 1.0


@dataclass(frozen=True, slots=True)
class DsiUnit:
    r"""How a metro unit is written in D-SI: ``value_dsi = value * scale + offset``.

    ``offset`` applies to absolute values only (°F → K); an uncertainty converts with ``scale``
    alone. ``converted`` is True when the given unit had no D-SI form and was converted.
    """

    text: str
    scale: float = 1.0
    offset: float = 0.0
    converted: bool = False

    def absolute(self, value: float) -> float:
        return value * self.scale + self.offset

    def difference(self, value: float) -> float:
        return value * self.scale


def _factors_of(unit: pint.Unit) -> tuple[DsiFactor, ...] | str:
    """The D-SI factors of a pint unit, or the name of the first part that has none."""
    out: list[DsiFactor] = []
    for name, raw_exp in unit._units.items():
        exp = float(raw_exp)  # type: ignore[arg-type]  # pint types exponents loosely
        if name in _NO_FORM:
            return name
        if name == "metro_dioptre":
            out.append(DsiFactor("", "metre", -exp))
            continue
        prefix, base = "", name
        if name not in _BY_PINT:
            prefix, base, suffix = ureg.parse_unit_name(name)[0]
            if suffix or base not in _BY_PINT or prefix not in _PINT_PREFIX:
                return name
            prefix = _PINT_PREFIX[prefix]
        dsi = _BY_PINT[base]
        if prefix and not UNITS[dsi][2]:
            return name
        if dsi == "gram" and prefix == "kilo":
            prefix, dsi = "", "kilogram"
        out.append(DsiFactor(prefix, dsi, exp))
    if len(out) > 1:
        out = [f for f in out if f.unit != "one"]
    return tuple(out) if out else (DsiFactor("", "one", 1.0),)


def _relative_form(unit: pint.Unit) -> DsiUnit | None:
    """Dimensionless relative units: ``%`` as ``\\percent``, the rest as scaled ``\\one``."""
    if unit.dimensionality or ureg.get_root_units(unit)[1] != ureg.dimensionless:
        return None
    if dict(unit._units) == {"percent": 1}:
        return DsiUnit("\\percent")
    factor = float(ureg.Quantity(1.0, unit).to("dimensionless").magnitude)
    return DsiUnit("\\one", scale=factor, converted=factor != 1.0)


def to_dsi(unit: str, kind: str) -> DsiUnit:
    r"""The D-SI form of a metro unit string for a quantity of ``kind`` (see the module rules).

    ``("mm", "length")`` → ``\milli\metre``; ``("psi", "pressure")`` → ``\pascal`` with the
    scale 6894.76; ``("HRC", "hardness_hrc")`` → ``DsiUnitError`` naming the unit.
    """
    parsed = parse_unit(unit)
    names = dict(parsed._units)
    if kind == _RELATIVE_HUMIDITY and names == {"metro_percent_RH": 1}:
        return DsiUnit("\\percent")
    got = _factors_of(parsed)
    if not isinstance(got, str):
        return DsiUnit("".join(f.dsi() for f in got))
    relative = _relative_form(parsed)
    if relative is not None:
        return relative
    if got in _NO_FORM:
        raise DsiUnitError(f"unit {unit!r} has no D-SI form: {_NO_FORM[got]}")
    # Not SI: convert to the kind's canonical unit, when that one has a D-SI form.
    canonical_unit = get_kind(kind).canonical_unit
    target = _factors_of(parse_unit(canonical_unit))
    if isinstance(target, str):
        reason = _NO_FORM.get(target, f"{target!r} is not a D-SI unit")
        raise DsiUnitError(
            f"unit {unit!r} has no D-SI form and kind {kind}'s unit {canonical_unit!r} has "
            f"none either: {reason}"
        )
    scale, offset = converter(unit, kind, difference=False)
    return DsiUnit("".join(f.dsi() for f in target), scale=scale, offset=offset, converted=True)


def relative_factor(text: str) -> float:
    r"""``\percent`` → 0.01, ``\one`` → 1.0: a relative value's factor to a fraction."""
    factors = parse_dsi(text)
    if len(factors) == 1 and factors[0].power == 1 and not factors[0].prefix:
        if factors[0].unit == "percent":
            return 0.01
        if factors[0].unit == "one":
            return 1.0
    raise DsiUnitError(f"D-SI unit {text!r}: a relative uncertainty is in \\percent or \\one")
