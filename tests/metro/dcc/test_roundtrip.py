"""Export → import into a fresh database holding the same assets gives the same certificate."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from metro.bundle.load import load_bundle
from metro.db.engine import make_engine
from metro.db.migrate import upgrade
from metro.dcc.errors import DccUnmatched
from metro.errors import Conflict
from metro.model.actor import cli_actor
from metro.repositories import changes
from metro.repositories import dcc as repo
from metro.services import dcc
from metro.units import canonical
from tests import factories as f

NOW = datetime(2026, 1, 10, tzinfo=UTC)
ACTOR = cli_actor("test")


def _province() -> dict[str, list[dict[str, str]]]:
    p = f.small_province()
    p["organizations.csv"].append(f.organization(code="ENT2", kind="enterprise"))
    p["instruments.csv"].append(
        f.instrument(
            code="T-001",
            owner="ENT2",
            quantity="temperature",
            range_min="-40 degC",
            range_max="150 degC",
            mpe_abs="0.5 degC",
            mpe_rel="",
            mandatory="false",
        )
    )
    p["capabilities.csv"].append(
        f.capability(
            standard="CS-P1",
            quantity="temperature",
            range_min="-80 degC",
            range_max="300 degC",
            u_abs="0.05 degC",
            u_rel="",
        )
    )
    p["certificates.csv"].append(
        f.certificate(
            number="CS2025-T01",
            issuer="CSIM",
            subject="T-001",
            references="CS-P1",
            kind="calibration",
            conclusion="none",
            calibrated_on="2025-06-03",
            valid_until="2026-06-02",
        )
    )
    p["results.csv"] += [
        f.result(
            certificate="CS2025-T01",
            nominal="-20 degC",
            measured="-19.93 degC",
            u="0.12 degC",
            k="2",
        ),
        f.result(
            certificate="CS2025-T01",
            nominal="100 degC",
            measured="100.08 degC",
            u="0.15 degC",
            k="2.58",
        ),
    ]
    return p


def _without(p: dict[str, list[dict[str, str]]], number: str) -> dict[str, list[dict[str, str]]]:
    out = dict(p)
    out["certificates.csv"] = [c for c in p["certificates.csv"] if c["number"] != number]
    out["results.csv"] = [r for r in p["results.csv"] if r["certificate"] != number]
    return out


def _load_first(db, tmp_path: Path, files) -> None:
    """Load ``files`` into ``db``, keeping a copy of the still-empty SQLite file for _fresh."""
    if db.backend == "sqlite":
        shutil.copy(db.url.removeprefix("sqlite:///"), tmp_path / "template.db")
    with db.engine.begin() as conn:
        load_bundle(conn, f.write_bundle(tmp_path / "a", files), actor="t", now=NOW)


def _fresh(db, tmp_path: Path, files, name: str):
    """Another database of the same backend as ``db``, holding ``files``."""
    if db.backend == "sqlite":
        path = tmp_path / f"{name}.db"
        shutil.copy(tmp_path / "template.db", path)
        eng = make_engine(f"sqlite:///{path}")
    else:
        schema = f"{db.url.rsplit('%3D', 1)[1]}_{name}"
        with db.engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        eng = make_engine(db.url.rsplit("%3D", 1)[0] + f"%3D{schema}")
        upgrade(eng)
    with eng.begin() as conn:
        load_bundle(conn, f.write_bundle(tmp_path / name, files), actor="t", now=NOW)
    return eng


def _same(a: repo.CertificateRecord, b: repo.CertificateRecord) -> None:
    assert (a.number, a.issuer.code, a.kind, a.subject.code) == (
        b.number,
        b.issuer.code,
        b.kind,
        b.subject.code,
    )
    assert (a.calibrated_on, a.valid_until, a.conclusion) == (
        b.calibrated_on,
        b.valid_until,
        b.conclusion,
    )
    assert [r.code for r in a.references] == [r.code for r in b.references]
    assert len(a.results) == len(b.results)
    for x, y in zip(a.results, b.results, strict=True):
        assert (x.quantity, x.nominal_given, x.measured_given, x.u_given, x.k_given) == (
            y.quantity,
            y.nominal_given,
            y.measured_given,
            y.u_given,
            y.k_given,
        )


@pytest.mark.parametrize(
    ("issuer", "number"),
    [
        ("HNIMT", "HN2025-002"),
        ("HNIMT", "HN2025-001"),
        ("CSIM", "CS2025-T01"),
        ("CSIM", "CS2025-002"),
        ("ENT1", "ENT2025-001"),
    ],
)
def test_export_then_import_gives_the_same_certificate(db, tmp_path, issuer, number) -> None:
    province = _province()
    _load_first(db, tmp_path, province)
    with db.engine.connect() as conn:
        data = dcc.export(conn, actor=ACTOR, issuer=issuer, number=number)
        original = repo.certificate(conn, issuer=issuer, number=number)
    assert original is not None
    fresh = _fresh(db, tmp_path, _without(province, number), "fresh")
    try:
        with fresh.begin() as conn:
            report = dcc.import_dcc(conn, actor=ACTOR, now=NOW, data=data)
            assert report.recorded and report.problems == []
        with fresh.connect() as conn:
            again = repo.certificate(conn, issuer=issuer, number=number)
            log = changes.entries(conn, object_type="certificate", object_key=f"{issuer}#{number}")
        assert again is not None
        _same(original, again)
        assert [e["actor"] for e in log] == [ACTOR.name]
        with fresh.connect() as conn, pytest.raises(Conflict, match="already recorded"):
            dcc.import_dcc(conn, actor=ACTOR, now=NOW, data=data)
    finally:
        fresh.dispose()


def test_non_si_points_come_back_in_si_with_the_same_values(db, tmp_path) -> None:
    province = _province()
    province["results.csv"].append(
        f.result(certificate="CS2025-002", nominal="100 psi", measured="100.3 psi", u="0.2 psi")
    )
    _load_first(db, tmp_path, province)
    with db.engine.connect() as conn:
        data = dcc.export(conn, actor=ACTOR, issuer="CSIM", number="CS2025-002")
    fresh = _fresh(db, tmp_path, _without(province, "CS2025-002"), "fresh")
    try:
        with fresh.begin() as conn:
            dcc.import_dcc(conn, actor=ACTOR, now=NOW, data=data)
            (point,) = repo.certificate(conn, issuer="CSIM", number="CS2025-002").results
        assert point.measured_given.endswith(" Pa")
        for got, given, diff in [
            (point.nominal_given, "100 psi", False),
            (point.measured_given, "100.3 psi", False),
            (point.u_given, "0.2 psi", True),
        ]:
            assert canonical(got, "pressure", difference=diff) == pytest.approx(
                canonical(given, "pressure", difference=diff)
            )
    finally:
        fresh.dispose()


def test_a_database_without_the_subject_refuses_naming_it(db, tmp_path) -> None:
    province = _province()
    _load_first(db, tmp_path, province)
    with db.engine.connect() as conn:
        data = dcc.export(conn, actor=ACTOR, issuer="CSIM", number="CS2025-T01")
    other = _without(province, "CS2025-T01")
    other["instruments.csv"] = [i for i in other["instruments.csv"] if i["code"] != "T-001"]
    fresh = _fresh(db, tmp_path, other, "other")
    try:
        with fresh.connect() as conn, pytest.raises(DccUnmatched) as caught:
            dcc.import_dcc(conn, actor=ACTOR, now=NOW, data=data)
        assert any("'T-001'" in p and "registered asset code" in p for p in caught.value.problems)
    finally:
        fresh.dispose()
