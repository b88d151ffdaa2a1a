"""A small province with years of as-found history for the interval tests.

ENT1 owns, besides ``small_province()``'s two gauges:

- ``A-OK``: 12 months, not mandatory, six yearly results all in tolerance (A1 lengthens it);
- ``A-MAND``: the same history but under mandatory verification (never lengthened);
- ``A-NONE``: calibrations concluding ``none`` whose result points decide (one out of MPE);
- ``B-01`` … ``B-08``: pressure gauges with yearly results, ``FAILS`` of them out of tolerance
  (the group ENT1/pressure for A3 and S1).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests import factories as f

YEARS = range(2019, 2026)  # seven certificates, six as-found results per instrument
# (instrument, year) pairs found out of tolerance in the B group
FAILS = {
    (1, 2021),
    (2, 2022),
    (3, 2020),
    (4, 2023),
    (5, 2021),
    (6, 2024),
    (7, 2022),
    (8, 2025),
    (1, 2024),
    (3, 2025),
    (5, 2023),
    (2, 2020),
    (4, 2020),
    (6, 2021),
    (7, 2024),
    (8, 2022),
}


def _cert(
    n: int, subject: str, year: int, *, conclusion: str = "pass", kind: str = "verification"
) -> dict[str, str]:
    on = date(year, 3, 1)
    until = "" if conclusion == "fail" else date(year + 1, 2, 28).isoformat()
    return f.certificate(
        number=f"IV{n:05d}",
        issuer="CSIM",
        subject=subject,
        references="CS-P1",
        calibrated_on=on.isoformat(),
        valid_until=until,
        kind=kind,
        conclusion=conclusion,
    )


def interval_province(directory: Path) -> Path:
    p = f.small_province()
    inst, certs, results = p["instruments.csv"], p["certificates.csv"], p["results.csv"]
    inst.append(f.instrument(code="A-OK", owner="ENT1", quantity="pressure", mandatory="false"))
    inst.append(f.instrument(code="A-MAND", owner="ENT1", mandatory="true"))
    inst.append(
        f.instrument(
            code="A-NONE",
            owner="ENT1",
            quantity="dc_voltage",
            range_min="0 V",
            range_max="10 V",
            mpe_rel="1 %",
            mandatory="false",
        )
    )
    for i in range(1, 9):
        inst.append(f.instrument(code=f"B-{i:02d}", owner="ENT1", mandatory="false"))
    n = 0
    for year in YEARS:
        for code in ("A-OK", "A-MAND"):
            n += 1
            certs.append(_cert(n, code, year))
        for i in range(1, 9):
            n += 1
            fail = (i, year) in FAILS
            certs.append(_cert(n, f"B-{i:02d}", year, conclusion="fail" if fail else "pass"))
    # A-NONE: calibrations without a conclusion; 2023's point is off by 2 % (MPE 1 %)
    for year in (2021, 2022, 2023, 2024):
        n += 1
        certs.append(_cert(n, "A-NONE", year, conclusion="none", kind="calibration"))
        measured = "10.2 V" if year == 2023 else "10.01 V"
        results.append(
            f.result(certificate=f"IV{n:05d}", nominal="10 V", measured=measured, u="0.001 V")
        )
    # CS-P1 needs a dc_voltage capability for A-NONE's certificates to be adequate
    p["capabilities.csv"].append(
        f.capability(
            standard="CS-P1",
            quantity="dc_voltage",
            range_min="0 V",
            range_max="100 V",
            u_rel="0.01 %",
        )
    )
    p["capabilities.csv"].append(
        f.capability(
            standard="HN-P1",
            quantity="dc_voltage",
            range_min="0 V",
            range_max="100 V",
            u_rel="0.002 %",
        )
    )
    return f.write_bundle(directory, p)
