"""Organization validates itself on construction."""

from __future__ import annotations

import pytest

from metro.model.fields import InvalidField
from metro.model.organization import Organization


def test_a_valid_organization():
    org = Organization(code="HNIMT", name="湖南省计量检测研究院", kind="institute", region="430000")
    assert org.kind == "institute"


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"code": ""}, "code"),
        ({"code": "C" * 65}, "code"),
        ({"name": "n" * 201}, "name"),
        ({"name": "a\x00"}, "name"),
        ({"kind": "university"}, "kind"),
        ({"region": "43"}, "region"),
    ],
)
def test_each_refusal_names_its_field(over, field):
    fields = {"code": "X", "name": "X", "kind": "lab", "region": "430100", **over}
    with pytest.raises(InvalidField) as exc:
        Organization(**fields)
    assert exc.value.field == field
