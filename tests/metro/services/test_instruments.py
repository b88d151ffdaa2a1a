"""The instruments service: register and update (interval included), logged with the actor."""

from __future__ import annotations

from dataclasses import replace

import pytest

from metro.errors import Conflict, NotFound
from metro.model.actor import Actor
from metro.model.instrument import Instrument
from metro.repositories import changes
from metro.repositories import instruments as repo
from metro.services import instruments
from tests.metro.services.conftest import NOW

ENT1 = Actor("user:ent", role="enterprise", organization="ENT1")


def thermometer(**over) -> Instrument:
    fields = {
        "code": "T-001",
        "name": "温度计",
        "owner": "ENT1",
        "quantity": "temperature",
        "range_min": "-40 degC",
        "range_max": "150 degC",
        "mpe_abs": "0.5 K",
        "interval_months": 12,
    }
    return Instrument.from_text(**{**fields, **over})


def test_register_and_update_the_interval(province):
    with province.engine.begin() as conn:
        instruments.register(conn, actor=ENT1, now=NOW, instrument=thermometer())
        instruments.update(conn, actor=ENT1, now=NOW, instrument=thermometer(interval_months=6))
        _, stored = repo.find(conn, "T-001")
        log = changes.entries(conn, object_type="instrument", object_key="T-001")
    assert stored == thermometer(interval_months=6)
    assert [e["action"] for e in log] == ["create", "update"]
    assert (log[1]["before"]["interval_months"], log[1]["after"]["interval_months"]) == (12, 6)
    assert {e["actor"] for e in log} == {"user:ent"}


def test_an_unchanged_update_writes_no_entry(province):
    with province.engine.begin() as conn:
        _, g = repo.find(conn, "G-001")
        instruments.update(conn, actor=ENT1, now=NOW, instrument=g)
        assert changes.entries(conn, object_type="instrument", object_key="G-001") == []


def test_refusals(province):
    with pytest.raises(Conflict), province.engine.begin() as conn:
        instruments.register(conn, actor=ENT1, now=NOW, instrument=thermometer(code="G-001"))
    with pytest.raises(Conflict, match="standard"), province.engine.begin() as conn:
        instruments.register(conn, actor=ENT1, now=NOW, instrument=thermometer(code="ENT1-S"))
    with pytest.raises(NotFound), province.engine.begin() as conn:
        instruments.register(conn, actor=ENT1, now=NOW, instrument=thermometer(owner="CSIM"))
    with pytest.raises(NotFound), province.engine.begin() as conn:
        instruments.update(conn, actor=ENT1, now=NOW, instrument=thermometer(code="NOPE"))
    other = Actor("user:x", role="enterprise", organization="CSIM")
    with province.engine.connect() as conn:
        _, g = repo.find(conn, "G-001")
    with pytest.raises(NotFound), province.engine.begin() as conn:
        instruments.update(conn, actor=other, now=NOW, instrument=replace(g, name="x"))
