"""The organizations service: the bureau registers; an organization updates itself."""

from __future__ import annotations

from dataclasses import replace

import pytest

from metro.errors import Conflict, NotFound
from metro.model.actor import SYSTEM_LOAD, Actor
from metro.model.organization import Organization
from metro.repositories import changes
from metro.repositories import organizations as repo
from metro.services import organizations
from tests.metro.services.conftest import NOW

LAB = Organization(code="LAB9", name="某校准实验室", kind="lab", region="430200")


def test_register_and_update_are_logged(province):
    with province.engine.begin() as conn:
        organizations.register(conn, actor=SYSTEM_LOAD, now=NOW, organization=LAB)
        me = Actor("user:lab9", role="lab", organization="LAB9")
        organizations.update(conn, actor=me, now=NOW, organization=replace(LAB, name="新名"))
        _, stored = repo.find(conn, "LAB9")
        log = changes.entries(conn, object_type="organization", object_key="LAB9")
    assert stored.name == "新名"
    assert [(e["actor"], e["action"]) for e in log] == [
        ("system:load", "create"),
        ("user:lab9", "update"),
    ]
    assert (log[1]["before"]["name"], log[1]["after"]["name"]) == ("某校准实验室", "新名")


def test_refusals(province):
    lab = Actor("user:cs", role="lab", organization="CSIM")
    with pytest.raises(NotFound), province.engine.begin() as conn:
        organizations.register(conn, actor=lab, now=NOW, organization=LAB)
    with pytest.raises(Conflict), province.engine.begin() as conn:
        organizations.register(
            conn, actor=SYSTEM_LOAD, now=NOW, organization=replace(LAB, code="CSIM")
        )
    with pytest.raises(NotFound), province.engine.begin() as conn:
        organizations.update(
            conn, actor=lab, now=NOW, organization=replace(LAB, code="HNIMT", kind="institute")
        )
