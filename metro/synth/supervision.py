"""Legal-metrology supervision in the synthetic province: what mandatory instruments are used
for, who may verify them, the real-world cases, and the demand items' priority fields.

* **Usage** of a mandatory instrument, from its template: price scales, fuel dispensers, water,
  gas and electricity meters → ``trade``; pressure gauges on boilers, gas detectors, earth and
  insulation resistance meters → ``safety``; sphygmomanometers, clinical thermometers,
  dosimeters, lensmeters → ``medical``; COD and ammonia analysers, sound level meters,
  environmental γ dose-rate meters → ``environment`` (:func:`usage_of`).
* **Authorizations**: statutory institutes verify every kind without one; a few accredited labs
  hold authorizations for the kinds of their standards — the first two for the whole history
  and beyond, the third one's lapsed before the reference date (:func:`authorization_rows`).
* **The real-world cases**, drawn from a stream of their own (``{seed}/supervision``) so the
  rest of the province is unchanged: a mandatory instrument's certificate is now and then a
  *calibration* where verification was required, or is made by a lab — authorized or not, on
  that day (:class:`MandatoryCases`). Overdue, never verified and failed-in-use instruments come
  from the generator's own proportions; untraceable and suspect ones from the scripted defects
  (:data:`MANDATORY_SCRIPTED`).
* **Priority fields** of demand items, by quantity kind (:func:`field_of`); kinds outside the
  policy's six fields carry none.

The generator's supervision rate lands between 85 % and 98 % with every flag present (checked
by ``metro supervision`` on a generated bundle; see seed_data/README.md).
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Final

from metro.synth.model import Org, Standard

# (keyword in the template name, usage); the first that matches wins
_BY_NAME: Final = (
    ("计价秤", "trade"), ("台秤", "trade"), ("天平", "trade"), ("加油机", "trade"),
    ("水表", "trade"), ("燃气表", "trade"), ("电能表", "trade"), ("流量计", "trade"),
    ("量器", "trade"), ("密度计", "trade"), ("钢卷尺", "trade"),
    ("血压计", "medical"), ("体温计", "medical"), ("焦度计", "medical"), ("验光仪", "medical"),
    ("听力计", "medical"), ("剂量", "medical"), ("活度计", "medical"),
    ("环境", "environment"), ("COD", "environment"), ("氨氮", "environment"),
    ("声级计", "environment"), ("浊度计", "environment"), ("电导率", "environment"),
    ("pH", "environment"), ("电磁辐射", "environment"),
)
_BY_KIND: Final = {"mass": "trade", "volume": "trade", "volume_flow": "trade",
                   "electrical_energy": "trade", "line_scale": "trade"}

_FIELDS: Final = {
    "food_safety": ("ph", "density", "kinematic_viscosity", "mass_flow"),
    "environment": ("gas_amount_fraction", "turbidity", "sound_pressure_level", "conductivity",
                    "mass_concentration", "air_kerma_rate"),
    "medical": ("dose_rate", "absorbed_dose", "activity", "vertex_power"),
    "biosafety": ("relative_humidity", "velocity", "dew_point"),
    "smart_manufacturing": ("length", "plane_angle", "surface_roughness", "flatness", "torque",
                            "force", "rotational_speed", "acceleration", "hardness_hrc",
                            "hardness_hrb", "hardness_hv", "hardness_hb"),
    "civil_military": ("rf_power", "rf_voltage", "attenuation", "field_strength",
                       "time_interval", "optical_power"),
}
FIELD_BY_KIND: Final = {kind: f for f, ks in _FIELDS.items() for kind in ks}

#: Optional bundle columns the generator fills (the others it leaves out, as export does).
FILLED_OPTIONAL: Final = ("usage", "field")
#: Labs authorized for the kinds of their standards; the last one's authorization lapsed.
AUTHORIZED_LABS: Final = 3
#: Share of a mandatory instrument's certificates that are calibrations, or made by a lab.
P_CALIBRATION: Final = 0.015
P_LAB: Final = 0.04
#: Scripted defects whose instruments are mandatory (so that untraceable and suspect are flags).
MANDATORY_SCRIPTED: Final = ("broken", "impact_direct")


def usage_of(name: str, kind: str) -> str:
    """The usage of a mandatory instrument of this template."""
    for keyword, usage in _BY_NAME:
        if keyword in name:
            return usage
    return _BY_KIND.get(kind, "safety")


def field_of(kind: str) -> str:
    """The policy priority field of a demand item of this kind ("" when none)."""
    return FIELD_BY_KIND.get(kind, "")


def _labs(labs: Sequence[Org]) -> list[Org]:
    return sorted(labs, key=lambda o: o.code)[:AUTHORIZED_LABS]


def authorization_rows(
    labs: Sequence[Org], standards: Sequence[Standard], history_start: date, reference: date
) -> Iterator[tuple[str, str, str, str]]:
    """``authorizations.csv`` rows: (organization, quantity, valid_from, valid_until)."""
    chosen = _labs(labs)
    for n, lab in enumerate(chosen):
        kinds = sorted({k for s in standards if s.owner == lab.code for k in s.kinds})
        start = history_start - timedelta(days=365)
        lapsed = n == len(chosen) - 1
        end = reference - timedelta(days=200) if lapsed else date(reference.year + 2, 12, 31)
        for kind in kinds:
            yield lab.code, kind, start.isoformat(), end.isoformat()


class MandatoryCases:
    """Per certificate of a mandatory instrument: which standards to look at, and its kind."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(f"{seed}/supervision").random

    def draw(
        self, usual: Sequence[tuple[int, ...]], labs: tuple[int, ...]
    ) -> tuple[Sequence[tuple[int, ...]], str]:
        """(groups of standards to pick from, certificate kind)."""
        x = self.random()
        if x < P_CALIBRATION:
            return usual, "calibration"
        if x < P_CALIBRATION + P_LAB and labs:
            return (labs, *usual), "verification"
        return usual, "verification"
