"""Impact of an out-of-tolerance standard: suspect certificates with depth, assets, owners."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection

from metro.errors import InvalidInput
from metro.traceability import Status, impact_report, status_of
from tests.metro.traceability.province import T


def test_report_lists_suspects_with_depth(hand_built: Connection) -> None:
    report = impact_report(hand_built, "CS-F")
    data = report.as_json()
    assert set(data) == {"standard", "failed_on", "since", "certificates", "assets", "owners"}
    assert (data["failed_on"], data["since"]) == ("2025-05-01", "2025-01-05")
    depths = {c["certificate"]: c["depth"] for c in data["certificates"]}
    assert depths == {"CS-030": 1, "CS-109": 1, "ENT-001": 2}
    assert "CS-111" not in depths  # used CS-F before its last good calibration
    assert "CS-110" not in depths  # used after the fail: untraceable, not suspect
    assert data["assets"] == ["ENT-F", "G-F-DEEP", "G-F-EARLY"]
    assert data["owners"] == ["ENT1", "ENT2"]
    deep = next(c for c in data["certificates"] if c["certificate"] == "ENT-001")
    assert (deep["reference"], deep["during"], deep["kind"]) == ("ENT-F", "CS-030", "instrument")


def test_suspect_shows_on_every_affected_asset(hand_built: Connection) -> None:
    for asset in impact_report(hand_built, "CS-F").assets:
        assert status_of(hand_built, asset, T).status is Status.SUSPECT, asset
    assert status_of(hand_built, "G-F-OLD", T).status is Status.VALID


def test_no_fail_no_impact(hand_built: Connection) -> None:
    report = impact_report(hand_built, "CS-P1")
    assert (report.failed_on, report.since, report.certificates) == (None, None, ())
    # HN-P1's only fail is revoked
    assert impact_report(hand_built, "HN-P1").failed_on is None


def test_impact_starts_from_a_standard(hand_built: Connection) -> None:
    with pytest.raises(InvalidInput, match="'G-001' is an instrument"):
        impact_report(hand_built, "G-001")
