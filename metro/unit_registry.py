"""The process's one pint registry and the unit errors (see :mod:`metro.units` for the why).

The scales pint does not know are each a new base dimension, so they never convert into each
other or into anything pint knows.
"""

from __future__ import annotations

from typing import Final

import pint

from metro.errors import InvalidInput


class UnitError(InvalidInput):
    """A quantity or unit string that cannot be read or used; the message names the text."""

    def __init__(self, message: str, *, text: str | None = None) -> None:
        super().__init__(message)
        self.text = text


class UnitMismatch(UnitError):
    """A unit whose dimension does not fit the quantity kind."""

    def __init__(
        self, message: str, *, text: str, unit: str, kind: str, got: str, expected: str
    ) -> None:
        super().__init__(message, text=text)
        self.unit = unit
        self.kind = kind
        self.got = got
        self.expected = expected


_DEFINITIONS: Final = (
    "metro_percent_RH = [relative_humidity]",
    "metro_pH = [pH]",
    "metro_HRC = [rockwell_c]",
    "metro_HRB = [rockwell_b]",
    "metro_HV = [vickers]",
    "metro_HB = [brinell]",
    "metro_dB = [level]",
    "metro_NTU = [turbidity]",
    "metro_rev = [rotation]",
    "metro_Sv = [dose_equivalent]",
    "metro_dioptre = 1 / meter",
    "metro_ppb = 1e-9",
)


def _build_registry() -> pint.UnitRegistry:
    reg: pint.UnitRegistry = pint.UnitRegistry(on_redefinition="raise")
    for line in _DEFINITIONS:
        reg.define(line)
    return reg


ureg: Final[pint.UnitRegistry] = _build_registry()
pint.set_application_registry(ureg)

#: Canonical units of the pure scales, for which a bare number is accepted.
BARE_SCALES: Final = frozenset(
    {"metro_pH", "metro_HRC", "metro_HRB", "metro_HV", "metro_HB", "metro_dB", "metro_NTU"}
)
#: How dimensionless root units are shown in messages.
PSEUDO_DIMENSIONS: Final = {"radian": "[angle]", "count": "[count]", "bit": "[information]"}

