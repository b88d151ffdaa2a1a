"""The standards service: register, update, seal, capabilities — each logged with the actor."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from metro.errors import Conflict, NotFound
from metro.model.actor import SYSTEM_LOAD, Actor
from metro.model.fields import InvalidField
from metro.model.standard import Standard, capability
from metro.repositories import changes
from metro.repositories import standards as repo
from metro.services import standards
from tests.metro.services.conftest import NOW

CSIM = Actor("user:cs", role="lab", organization="CSIM")


def new_standard(**over) -> Standard:
    fields = {
        "code": "CS-T1",
        "name": "温度标准装置",
        "owner": "CSIM",
        "level": "public_secondary",
        "exam_cert": "[2024]长量标证字第7号",
        "exam_valid_from": date(2024, 1, 1),
        "exam_valid_until": date(2028, 12, 31),
    }
    return Standard(**{**fields, **over})


def test_register_stores_and_logs(province):
    with province.engine.begin() as conn:
        standards.register(conn, actor=CSIM, now=NOW, standard=new_standard())
        _, stored = repo.find(conn, "CS-T1")
        log = changes.entries(conn, object_type="standard", object_key="CS-T1")
    assert stored == new_standard()
    assert [(e["actor"], e["action"], e["before"]) for e in log] == [("user:cs", "create", None)]
    assert log[0]["after"]["exam_valid_until"] == "2028-12-31"


def test_register_refuses_taken_codes_and_other_owners(province):
    with pytest.raises(Conflict), province.engine.begin() as conn:
        standards.register(conn, actor=CSIM, now=NOW, standard=new_standard(code="CS-P1"))
    with pytest.raises(Conflict, match="instrument"), province.engine.begin() as conn:
        standards.register(conn, actor=CSIM, now=NOW, standard=new_standard(code="G-001"))
    with pytest.raises(NotFound), province.engine.begin() as conn:
        standards.register(conn, actor=CSIM, now=NOW, standard=new_standard(owner="HNIMT"))
    with pytest.raises(NotFound), province.engine.begin() as conn:
        standards.register(conn, actor=SYSTEM_LOAD, now=NOW, standard=new_standard(owner="NOPE"))


def test_update_logs_before_and_after(province):
    with province.engine.begin() as conn:
        _, before = repo.find(conn, "CS-P1")
        after = replace(before, exam_valid_until=date(2029, 12, 31))
        standards.update(conn, actor=CSIM, now=NOW, standard=after)
        _, stored = repo.find(conn, "CS-P1")
        log = changes.entries(conn, object_type="standard", object_key="CS-P1")
    assert stored == after
    assert log[-1]["action"] == "update"
    assert (log[-1]["before"]["exam_valid_until"], log[-1]["after"]["exam_valid_until"]) == (
        "2027-12-31",
        "2029-12-31",
    )


def test_another_organizations_standard_is_not_found(province):
    with province.engine.connect() as conn:
        _, hn = repo.find(conn, "HN-P1")
    with pytest.raises(NotFound), province.engine.begin() as conn:
        standards.update(conn, actor=CSIM, now=NOW, standard=replace(hn, name="mine"))
    with pytest.raises(NotFound), province.engine.begin() as conn:
        standards.seal(conn, actor=CSIM, now=NOW, code="HN-P1")


def test_seal_once(province):
    with province.engine.begin() as conn:
        out = standards.seal(conn, actor=CSIM, now=NOW, code="CS-P1")
        _, stored = repo.find(conn, "CS-P1")
    assert out.status == stored.status == "sealed"
    with pytest.raises(Conflict), province.engine.begin() as conn:
        standards.seal(conn, actor=CSIM, now=NOW, code="CS-P1")


def test_capabilities_are_replaced_as_a_set_and_logged(province):
    caps = [
        capability(quantity="pressure", range_min="0 MPa", range_max="100 MPa", u_rel="0.05 %"),
        capability(quantity="force", range_min="0 kN", range_max="10 kN", u_abs="2 N", k=3.0),
    ]
    with province.engine.begin() as conn:
        standards.set_capabilities(conn, actor=CSIM, now=NOW, code="CS-P1", capabilities=caps)
        sid, _ = repo.find(conn, "CS-P1")
        stored = repo.capabilities(conn, sid)
        log = changes.entries(conn, object_type="capabilities", object_key="CS-P1")
    assert [(c.quantity, c.range_max_given, c.k) for c in stored] == [
        ("pressure", "100 MPa", 2.0),
        ("force", "10 kN", 3.0),
    ]
    assert stored[1].u_abs == pytest.approx(2.0)
    assert log[-1]["actor"] == "user:cs"
    assert log[-1]["before"]["capabilities"][0]["range_max"] == "60 MPa"
    assert len(log[-1]["after"]["capabilities"]) == 2


def test_a_capability_with_zero_uncertainty_is_refused():
    with pytest.raises(InvalidField) as exc:
        capability(quantity="pressure", range_min="0 MPa", range_max="1 MPa", u_abs="0 kPa")
    assert "U = 0" in exc.value.why
