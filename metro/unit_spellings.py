"""Accepted unit spellings, rewritten before pint sees a unit (see :mod:`metro.units`).

pint silently misreads some everyday spellings (``%RH`` as percent·ronnahenry, ``pH`` as
picohenry, ``Nm`` as number·metre, ``bar(g)`` as bar·gram): characters first (``℃``, ``µ``,
``Ω``, superscripts), then whole tokens are mapped to what pint should read, or refused with the
reason (``%FS``, ``ppt``, logarithmic units, hardness designations with a test force).
"""

from __future__ import annotations

import re
from typing import Final

from metro.unit_registry import UnitError, ureg

_PRESSURE: Final = ureg.parse_units("Pa").dimensionality

_CHARS: Final = (
    ("\u2103", "degC"),  # ℃
    ("\u2109", "degF"),  # ℉
    ("\u00ba", "\u00b0"),  # º (ordinal indicator, typed for a degree sign)
    ("\u00b0C", "degC"),
    ("\u00b0F", "degF"),
    ("\u00b0", "deg"),
    ("\u2032", "arcmin"),  # ′
    ("\u2033", "arcsec"),  # ″
    ("\u00b5", "u"),  # µ micro sign
    ("\u03bc", "u"),  # μ Greek mu
    ("\u2126", "ohm"),  # Ω ohm sign
    ("\u03a9", "ohm"),  # Ω Greek capital omega
    ("\u2030", "permille"),  # ‰
    ("\u00b7", "*"),
    ("\u22c5", "*"),
    ("\u00d7", "*"),
    ("\u2212", "-"),  # minus sign
    ("\u00c5", "angstrom"),
    ("\u212b", "angstrom"),
    ("\uff05", "%"),  # full-width percent
    ("\uff0f", "/"),  # full-width solidus
)
_SUPERSCRIPTS: Final = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPERSCRIPT_RUN: Final = re.compile("[⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_TOKEN: Final = re.compile(
    r"%(?:[ \t]*[A-Za-z][A-Za-z.]*)?"  # %, %RH, % RH, %FS ...
    r"|[A-Za-z_][A-Za-z_0-9]*(?:\([A-Za-z]\))?"  # words, with a one-letter qualifier: bar(g)
)
_PREFIX: Final = "(?:da|[YZEPTGMkhdcmunpfazy])"
_PREFIX_WORD: Final = (
    "(?:yotta|zetta|exa|peta|tera|giga|mega|kilo|hecto|deca|deka|deci|centi|milli|micro|nano"
    "|pico|femto|atto|zepto|yocto)"
)
_NM: Final = re.compile(rf"({_PREFIX}?)Nm")
_SV: Final = re.compile(rf"({_PREFIX}?)Sv")
_SV_WORD: Final = re.compile(rf"({_PREFIX_WORD}?)sieverts?")
_POWER_OF_METRE: Final = re.compile(r"([kdcmun]?m)([23])")
_HARDNESS_LIKE: Final = re.compile(r"H(?:V|B|R)[A-Za-z0-9_]*")

_WORDS: Final[dict[str, str]] = {
    "%": "percent",
    "%RH": "metro_percent_RH",
    "%rh": "metro_percent_RH",
    "%Rh": "metro_percent_RH",
    "pH": "metro_pH",
    "HRC": "metro_HRC",
    "HRB": "metro_HRB",
    "HV": "metro_HV",
    "HB": "metro_HB",
    "HBW": "metro_HB",
    "dB": "metro_dB",
    "dBA": "metro_dB",
    "dB(A)": "metro_dB",
    "dB(C)": "metro_dB",
    "dB(Z)": "metro_dB",
    "decibel": "metro_dB",
    "decibels": "metro_dB",
    "NTU": "metro_NTU",
    "D": "metro_dioptre",
    "dpt": "metro_dioptre",
    "dioptre": "metro_dioptre",
    "diopter": "metro_dioptre",
    "r": "metro_rev",
    "rev": "metro_rev",
    "revolution": "metro_rev",
    "revolutions": "metro_rev",
    "rpm": "(metro_rev/minute)",
    "rps": "(metro_rev/second)",
    "ppb": "metro_ppb",
    "barg": "bar",
    "bara": "bar",
    "psig": "psi",
    "psia": "psi",
}

_REJECTED: Final[dict[str, str]] = {
    "%FS": "percent of full scale is not a unit: convert it to an absolute value "
    "(p % × full scale) in the kind's unit",
    "FS": "full scale is not a unit: convert the value to an absolute value in the kind's unit",
    "ppt": "'ppt' is ambiguous (parts per thousand or per trillion): write ‰ or 1e-12",
    "RH": "write relative humidity as '%RH'",
    "dBm": "logarithmic",
    "dBW": "logarithmic",
    "dBV": "logarithmic",
    "dBuV": "logarithmic",
    "dBmW": "logarithmic",
    "dBc": "logarithmic",
    "Np": "logarithmic",
    "neper": "logarithmic",
    "B": "'B' is the byte in pint (and the bel elsewhere): not accepted",
    "bel": "logarithmic",
    "octave": "logarithmic",
    "decade": "logarithmic",
}
_LOGARITHMIC: Final = (
    "is a logarithmic unit: give the value in a linear unit (W, V...), or in dB for a level kind"
)

_QUALIFIED: Final = re.compile(r"(.*)\(([A-Za-z])\)")


def map_token(token: str) -> str:
    """One unit token → what pint should read, or ``UnitError`` (message without subject)."""
    key = token.replace(" ", "").replace("\t", "") if token.startswith("%") else token
    if key in _WORDS:
        return _WORDS[key]
    if key in _REJECTED:
        why = _REJECTED[key]
        raise UnitError(f"{key!r} {_LOGARITHMIC}" if why == "logarithmic" else why)
    if key.startswith("%"):
        raise UnitError(f"{key!r} is not an accepted form of per cent (use %, %RH, ppm or ‰)")
    qualified = _QUALIFIED.fullmatch(key)
    if qualified:
        base, letter = qualified.groups()
        if base == "dB":
            raise UnitError(f"{key!r}: only the weightings dB(A), dB(C), dB(Z) are accepted")
        if letter not in "gGaA":
            raise UnitError(f"{key!r}: unknown qualifier ({letter})")
        mapped = map_token(base)
        try:
            dim = ureg.parse_units(mapped).dimensionality
        except Exception:  # pint raises many kinds; all mean "not a unit"
            raise UnitError(f"{key!r}: {base!r} is not a unit") from None
        if dim != _PRESSURE:
            raise UnitError(f"{key!r}: the gauge/absolute qualifier needs a pressure unit")
        return mapped
    if _HARDNESS_LIKE.fullmatch(key):
        raise UnitError(
            f"{key!r} is not a catalogued hardness scale (HRC, HRB, HV, HB); test-force "
            "designations such as HV10 are not part of the unit"
        )
    for pattern, replacement in (
        (_NM, r"(\1N*m)"),
        (_SV, r"\1metro_Sv"),
        (_SV_WORD, r"\1metro_Sv"),
        (_POWER_OF_METRE, r"\1^\2"),
    ):
        if pattern.fullmatch(key):
            return pattern.sub(replacement, key)
    return key


def normalize_chars(text: str) -> str:
    for old, new in _CHARS:
        if old in text:
            text = text.replace(old, new)
    if _SUPERSCRIPT_RUN.search(text):
        text = _SUPERSCRIPT_RUN.sub(lambda m: "^" + m.group().translate(_SUPERSCRIPTS), text)
    return text


def to_pint_expression(unit: str) -> str:
    text = normalize_chars(unit.strip())
    return _TOKEN.sub(lambda m: map_token(m.group()), text)


