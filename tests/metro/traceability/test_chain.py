"""Chain explanation: links in force on each calibration day, roots, ratios, propagated U, and
the first broken link with its numbers."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Connection

from metro.errors import NotFound
from metro.traceability import Status, explain_chain
from tests.metro.traceability.province import T


def by_number(chain_json: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {link["certificate"]: link for link in chain_json["links"]}


def test_a_traceable_chain_up_to_the_root(hand_built: Connection) -> None:
    chain = explain_chain(hand_built, "G-001", T)
    data = chain.as_json()
    assert set(data) == {"asset", "at", "traceable", "reason", "links", "roots"}
    assert data["traceable"] is True and data["roots"] == ["NIM-P"]
    links = by_number(data)
    assert [(n, links[n]["depth"]) for n in links] == [("CS-100", 1), ("HN-002", 2),
                                                      ("HN-001", 3)]
    assert links["HN-002"]["used_on"] == "2025-05-01"  # CS-100's calibration day
    assert links["HN-002"]["used_by"] == ["CS-100"]
    assert links["HN-001"]["issuer"] == "NIM"
    for link in links.values():
        assert {"certificate", "subject", "references", "issuer", "calibrated_on",
                "valid_until"} <= set(link)
        assert link["in_force"] and link["sound"] and link["problem"] is None
    # ratio achieved: MPE 1.6 % against CS-P1's 0.05 % (k = 2) at 10 MPa
    (check,) = links["CS-100"]["adequacy"]
    assert check["reference"] == "CS-P1" and check["ratio"] == pytest.approx(0.016 / 0.0005)
    # propagated U: root-sum-square of the relative U (k = 2) of CS-P1, HN-P1, NIM-P
    (path,) = links["CS-100"]["paths"]
    assert path["via"] == ["CS-100", "HN-002", "HN-001"] and path["root"] == "NIM-P"
    assert path["u_rel"] == pytest.approx(math.sqrt(0.0005**2 + 0.0001**2 + 0.00002**2))
    assert "traceable to NIM-P" in data["reason"]


def test_first_broken_link_is_an_expired_certificate_two_links_up(hand_built: Connection) -> (
    None
):
    data = explain_chain(hand_built, "G-WK", T).as_json()
    assert data["traceable"] is False and data["roots"] == ["NIM-P"]
    assert data["reason"].startswith(
        "first broken link: certificate HN-010 of CS-OLD (depth 3, used on 2025-02-01)")
    assert "valid until 2025-01-09" in data["reason"]
    links = by_number(data)
    assert links["HN-010"]["in_force"] is False
    assert links["ENT-002"]["problem"] is None and links["ENT-002"]["sound"] is False


@pytest.mark.parametrize(
    ("code", "parts"),
    [
        ("DMM-1", ["certificate CS-119 of DMM-1 (depth 1", "U 20 ppm where ≤ 16.7 ppm"]),
        ("G-NOCERT", ["reference CS-NEW had no certificate on or before 2025-03-01"]),
        ("G-F-LATE", ["certificate HN-021 of CS-F (depth 2, used on 2025-05-15)",
                      "concludes fail"]),
        ("G-EXAM", ["CS-EXAM's examination certificate", "not valid on 2025-03-01"]),
        ("G-MULTI", ["certificate HN-010 of CS-OLD (depth 2, used on 2025-03-01)"]),
        ("G-OVER", ["certificate CS-102 of G-OVER (depth 1, used on 2025-07-01)",
                    "valid until 2025-04-30"]),
        ("TH-2", ["T-STD U 0.1 K where ≤ 0.0926 K"]),
    ],
)
def test_broken_chains_say_why_with_numbers(hand_built: Connection, code: str,
                                            parts: list[str]) -> None:
    chain = explain_chain(hand_built, code, T)
    assert chain.traceable is False
    for part in parts:
        assert part in chain.reason, chain.reason


def test_several_references_each_get_their_link(hand_built: Connection) -> None:
    links = by_number(explain_chain(hand_built, "G-MULTI", T).as_json())
    assert links["CS-115"]["references"] == ["CS-P1", "CS-OLD"]
    assert links["HN-002"]["in_force"] is True
    assert links["HN-010"]["in_force"] is False


def test_suspect_links_are_flagged_and_the_chain_stays_traceable(hand_built: Connection) -> None:
    chain = explain_chain(hand_built, "G-F-DEEP", T)
    assert chain.traceable is True and chain.status is Status.SUSPECT
    links = by_number(chain.as_json())
    assert "depth 2" in links["ENT-001"]["suspect"]
    assert "depth 1" in links["CS-030"]["suspect"]
    assert links["HN-020"]["suspect"] is None
    assert "suspect" in chain.reason


def test_never_calibrated_and_primary(hand_built: Connection) -> None:
    never = explain_chain(hand_built, "G-NEVER", T)
    assert (never.traceable, never.links, never.roots) == (False, [], [])
    assert "no certificate" in never.reason
    primary = explain_chain(hand_built, "NIM-P", T)
    assert (primary.traceable, primary.links, primary.roots) == (True, [], ["NIM-P"])


def test_temperature_path_uses_absolute_values_in_kelvin(hand_built: Connection) -> None:
    links = by_number(explain_chain(hand_built, "TH-1", T).as_json())
    (path,) = links["CS-121"]["paths"]
    # x* = 100 °C = 373.15 K; T-STD 0.1 K and NIM-T 0.01 K at k = 2
    assert path["at"] == pytest.approx(373.15)
    assert path["u_rel"] == pytest.approx(math.hypot(0.1, 0.01) / 373.15)


def test_unknown_asset(hand_built: Connection) -> None:
    with pytest.raises(NotFound, match="'NOPE'"):
        explain_chain(hand_built, "NOPE", T)


def test_the_chain_carries_the_status_record_status_of_gives(db, tmp_path):
    """One walk answers both the chain and the status (the API's instrument view uses it)."""
    from metro.bundle.load import load_bundle
    from metro.traceability import explain_chain, status_of
    from tests import factories as f

    with db.engine.begin() as conn:
        load_bundle(conn, f.write_bundle(tmp_path / "b", f.small_province()), actor="t",
                    now=datetime(2030, 1, 1, tzinfo=UTC))
    with db.engine.connect() as conn:
        for code in ("G-001", "G-002", "HN-P1", "CS-P1", "ENT1-S", "NIM-P"):
            for at in (date(2025, 6, 1), date(2026, 5, 15), date(2027, 6, 1)):
                assert explain_chain(conn, code, at).record == status_of(conn, code, at)
