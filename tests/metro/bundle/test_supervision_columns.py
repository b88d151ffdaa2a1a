"""The bundle's supervision data: ``authorizations.csv`` and the optional ``usage`` (instruments)
and ``field`` (demands) columns — loaded, validated like every other row, exported back only
when used; old bundles load unchanged."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from metro.bundle.export import export_bundle
from metro.bundle.issues import BundleRejected
from metro.bundle.load import load_bundle
from metro.db.models import Authorization, Demand, Instrument
from metro.model.actor import Actor
from tests import factories as f

NOW = datetime(2026, 11, 26, tzinfo=UTC)
Province = dict[str, list[dict[str, str]]]


def supervised() -> Province:
    p = f.small_province()
    p["organizations.csv"].append(f.organization(code="LAB1", kind="lab", region="430200"))
    p["instruments.csv"][0]["usage"] = "safety"
    p["demands.csv"][0]["field"] = "food_safety"
    p["authorizations.csv"] = [
        f.authorization(organization="LAB1", quantity="pressure"),
        f.authorization(organization="LAB1", quantity="mass", valid_from="2026-01-01",
                        valid_until="2026-01-01"),
    ]
    return p


def load(db, tmp_path, province: Province, name: str = "b", **kwargs):
    with db.engine.begin() as conn:
        return load_bundle(conn, f.write_bundle(tmp_path / name, province), actor=kwargs.get(
            "actor", "t"), now=NOW)


def header(path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return next(csv.reader(fh))


def test_loaded_and_exported_back(db, tmp_path):
    load(db, tmp_path, supervised())
    with db.engine.connect() as conn:
        usage = dict(conn.execute(select(Instrument.code, Instrument.usage)).all())
        fields = dict(conn.execute(select(Demand.code, Demand.field)).all())
        grants = conn.execute(select(Authorization.quantity, Authorization.valid_from,
                                     Authorization.valid_until)
                              .order_by(Authorization.quantity)).all()
        export_bundle(conn, tmp_path / "out")
    assert usage == {"G-001": "safety", "G-002": None}
    assert fields == {"D-001": "food_safety", "D-002": None}
    assert [tuple(g) for g in grants] == [
        ("mass", date(2026, 1, 1), date(2026, 1, 1)),
        ("pressure", date(2025, 1, 1), date(2027, 12, 31)),
    ]
    out = tmp_path / "out"
    assert header(out / "instruments.csv")[-1] == "usage"
    assert header(out / "demands.csv")[-1] == "field"
    for name in ("instruments.csv", "demands.csv", "authorizations.csv"):
        assert (out / name).read_text("utf-8") == (tmp_path / "b" / name).read_text("utf-8")


def test_loading_again_changes_nothing_and_a_new_end_date_updates(db, tmp_path):
    load(db, tmp_path, supervised())
    again = load(db, tmp_path, supervised(), "again")
    assert again.counts["authorizations.csv"]["unchanged"] == 2
    p = supervised()
    p["authorizations.csv"][0]["valid_until"] = "2028-06-30"
    p["instruments.csv"][0]["usage"] = "trade"
    changed = load(db, tmp_path, p, "changed")
    assert changed.counts["authorizations.csv"]["updated"] == 1
    assert changed.counts["instruments.csv"]["updated"] == 1
    with db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Authorization)).scalar_one() == 2
        assert conn.execute(select(Instrument.usage).where(Instrument.code == "G-001")
                            ).scalar_one() == "trade"


def test_an_old_bundle_loads_unchanged_and_exports_without_the_columns(db, tmp_path):
    load(db, tmp_path, f.small_province())
    with db.engine.connect() as conn:
        export_bundle(conn, tmp_path / "out")
    assert "usage" not in header(tmp_path / "out" / "instruments.csv")
    assert "field" not in header(tmp_path / "out" / "demands.csv")
    assert header(tmp_path / "out" / "authorizations.csv") == [
        "organization", "quantity", "valid_from", "valid_until"]
    assert len((tmp_path / "out" / "authorizations.csv").read_text("utf-8").splitlines()) == 1


def _set(file: str, index: int, **changes: str) -> Callable[[Province], None]:
    def mutate(p: Province) -> None:
        p[file][index].update(changes)

    return mutate


CASES = {
    "unknown usage": (_set("instruments.csv", 0, usage="retail"), "instruments.csv", 2,
                      "usage", "must be one of trade"),
    "unknown field": (_set("demands.csv", 0, field="space"), "demands.csv", 2, "field",
                      "must be one of food_safety"),
    "dates reversed": (_set("authorizations.csv", 0, valid_until="2024-12-31"),
                       "authorizations.csv", 2, "valid_until", "before valid_from"),
    "unknown organization": (_set("authorizations.csv", 0, organization="NOBODY"),
                             "authorizations.csv", 2, "organization", "unknown organization"),
    "unknown kind": (_set("authorizations.csv", 1, quantity="presure"), "authorizations.csv", 3,
                     "quantity", "unknown quantity kind"),
    "bad date": (_set("authorizations.csv", 1, valid_from="2026-02-30"), "authorizations.csv",
                 3, "valid_from", "not a valid date"),
    "twice": (lambda p: p["authorizations.csv"].append(dict(p["authorizations.csv"][0])),
              "authorizations.csv", 4, "valid_from", "duplicate"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_rows_are_refused_and_nothing_is_written(db, tmp_path, case):
    mutate, file, line, column, why = CASES[case]
    p = supervised()
    mutate(p)
    with pytest.raises(BundleRejected) as info:
        load(db, tmp_path, p)
    hits = [i for i in info.value.issues if i.file == file]
    assert [(i.line, i.column) for i in hits] == [(line, column)], info.value.issues
    assert why in hits[0].why
    with db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Instrument)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(Authorization)).scalar_one() == 0


def test_a_lab_may_not_grant_authorizations(db, tmp_path):
    load(db, tmp_path, f.small_province())
    lab = Actor("user:lab1", role="lab", organization="CSIM")
    bundle = {"authorizations.csv": [f.authorization(organization="CSIM", quantity="mass")]}
    with pytest.raises(BundleRejected) as info, db.engine.begin() as conn:
        load_bundle(conn, f.write_bundle(tmp_path / "lab", bundle), actor=lab, now=NOW)
    assert "granted by the bureau" in info.value.issues[0].why
