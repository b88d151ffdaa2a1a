"""The supervision rules: every flag and its order, authorization (dates inclusive; nmi,
institute, bureau), the vocabularies, and the numpy forms against the scalar ones."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metro.errors import InvalidInput
from metro.model import supervision as sv
from metro.model.statuses import STATUS_WORDS as STATUS_ORDER
from metro.model.supervision import Authorization, Flag

STATUS_WORDS = STATUS_ORDER  # position = bulk code
GOOD = {"verification": True, "passed": True, "authorized": True}


@pytest.mark.parametrize(
    ("status", "facts", "expected"),
    [
        ("never_calibrated", GOOD, Flag.NEVER_VERIFIED),
        ("failed", GOOD, Flag.FAILED),
        ("overdue", GOOD, Flag.OVERDUE),
        ("valid", {**GOOD, "verification": False}, Flag.CALIBRATION_ONLY),
        ("valid", {**GOOD, "passed": False}, Flag.CALIBRATION_ONLY),
        ("due_soon", {**GOOD, "authorized": False}, Flag.UNAUTHORIZED),
        ("untraceable", GOOD, Flag.UNTRACEABLE),
        ("suspect", GOOD, Flag.SUSPECT),
        ("valid", GOOD, None),
        ("due_soon", GOOD, None),
    ],
)
def test_each_flag(status, facts, expected):
    assert sv.flag(status=status, **facts) is expected


@pytest.mark.parametrize(
    ("status", "facts", "expected"),
    [
        # the status words read first outrank what the certificate is
        ("never_calibrated", {"verification": False, "passed": False, "authorized": False},
         Flag.NEVER_VERIFIED),
        ("failed", {"verification": False, "passed": False, "authorized": False}, Flag.FAILED),
        ("overdue", {"verification": False, "passed": True, "authorized": False}, Flag.OVERDUE),
        # a calibration outranks an unauthorized issuer and a broken chain
        ("untraceable", {"verification": False, "passed": False, "authorized": False},
         Flag.CALIBRATION_ONLY),
        # an unauthorized issuer outranks untraceable and suspect
        ("untraceable", {**GOOD, "authorized": False}, Flag.UNAUTHORIZED),
        ("suspect", {**GOOD, "authorized": False}, Flag.UNAUTHORIZED),
    ],
)
def test_the_first_flag_that_applies_wins(status, facts, expected):
    assert sv.flag(status=status, **facts) is expected


def test_flag_order_is_the_design_order():
    assert [f.value for f in sv.FLAGS] == [
        "never_verified", "failed", "overdue", "calibration_only", "unauthorized",
        "untraceable", "suspect",
    ]


def test_an_unknown_status_word_is_refused():
    with pytest.raises(ValueError, match="not a status word"):
        sv.flag(status="fine", **GOOD)


FROM, UNTIL = date(2025, 1, 1), date(2025, 6, 30)


def grant(quantity: str = "pressure") -> Authorization:
    return Authorization("LAB1", quantity, FROM, UNTIL)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (FROM - timedelta(days=1), False),
        (FROM, True),
        (date(2025, 3, 1), True),
        (UNTIL, True),
        (UNTIL + timedelta(days=1), False),
    ],
)
def test_authorization_counts_both_days(day, expected):
    assert sv.authorized("lab", [grant()], "pressure", day) is expected


def test_authorization_is_for_its_kind_only():
    assert not sv.authorized("lab", [grant("mass")], "pressure", date(2025, 3, 1))
    assert not sv.authorized("enterprise", [], "pressure", date(2025, 3, 1))
    assert sv.authorized("enterprise", [grant()], "pressure", date(2025, 3, 1))


@pytest.mark.parametrize(("kind", "expected"), [("institute", True), ("nmi", True),
                                                ("bureau", False)])
def test_statutory_bodies_and_the_bureau(kind, expected):
    # with or without an authorization row: statutory bodies need none, the bureau never is
    assert sv.authorized(kind, [], "pressure", date(2025, 3, 1)) is expected
    assert sv.authorized(kind, [grant()], "pressure", date(2025, 3, 1)) is expected


def test_an_authorization_with_reversed_dates_is_refused():
    with pytest.raises(InvalidInput, match=r"valid_until '2024-12-31': before valid_from"):
        Authorization("LAB1", "pressure", FROM, date(2024, 12, 31))
    with pytest.raises(InvalidInput, match="quantity 'presure'"):
        Authorization("LAB1", "presure", FROM, UNTIL)


def test_vocabularies():
    assert list(sv.USAGES) == ["trade", "safety", "medical", "environment"]
    assert list(sv.PRIORITY_FIELDS) == ["food_safety", "environment", "medical", "biosafety",
                                        "smart_manufacturing", "civil_military"]
    assert all(t.name_zh and t.name_en for t in (*sv.USAGES.values(),
                                                 *sv.PRIORITY_FIELDS.values()))
    assert sv.usage("trade") == "trade" and sv.usage("") is None and sv.usage(None) is None
    assert sv.priority_field("biosafety") == "biosafety"
    with pytest.raises(InvalidInput, match="usage 'retail': must be one of trade"):
        sv.usage("retail")
    with pytest.raises(InvalidInput, match="field 'space'"):
        sv.priority_field("space")
    assert sv.usage_problem("retail") and sv.usage_problem("") is None
    assert sv.field_problem("space") and sv.field_problem("medical") is None


def test_rates_and_the_default_period():
    assert sv.rate(3, 4) == 0.75 and sv.rate(0, 0) is None
    assert sv.default_since(date(2026, 11, 26)) == date(2026, 1, 1)


def test_reasons_name_the_certificate_and_the_issuer():
    common = {"status_reason": "from traceability", "number": "C-1",
              "calibrated_on": date(2025, 3, 1), "issuer": "LAB2", "quantity": "pressure"}
    text = sv.flag_reason(Flag.UNAUTHORIZED, verification=True, **common)
    assert "C-1" in text and "LAB2" in text and "pressure" in text
    assert "calibration" in sv.flag_reason(Flag.CALIBRATION_ONLY, verification=False, **common)
    assert "no conclusion" in sv.flag_reason(Flag.CALIBRATION_ONLY, verification=True, **common)
    assert sv.flag_reason(Flag.OVERDUE, verification=True, **common) == "from traceability"


# --- the numpy forms agree with the scalar ones ---------------------------------------------

facts = st.tuples(st.sampled_from(STATUS_WORDS), st.booleans(), st.booleans(), st.booleans())


@settings(max_examples=200, deadline=None)
@given(st.lists(facts, max_size=40))
def test_flags_array_agrees_with_flag(rows):
    status = np.array([STATUS_WORDS.index(r[0]) for r in rows], dtype=np.int64)
    got = sv.flags_array(
        status=status,
        verification=np.array([r[1] for r in rows], dtype=bool),
        passed=np.array([r[2] for r in rows], dtype=bool),
        authorized=np.array([r[3] for r in rows], dtype=bool),
    )
    for code, (word, ver, ok, auth) in zip(got.tolist(), rows, strict=True):
        want = sv.flag(status=word, verification=ver, passed=ok, authorized=auth)
        assert code == (sv.COMPLIANT if want is None else sv.FLAG_CODE[want])


ORG_KINDS = ("bureau", "nmi", "institute", "lab", "enterprise")
KINDS = ("pressure", "mass")
days = st.integers(min_value=0, max_value=30)
grants = st.tuples(st.integers(0, 3), st.sampled_from(KINDS), days, days)


@settings(max_examples=200, deadline=None)
@given(
    org_kinds=st.lists(st.sampled_from(ORG_KINDS), min_size=4, max_size=4),
    held=st.lists(grants, max_size=8),
    asks=st.lists(st.tuples(st.integers(0, 3), st.sampled_from(KINDS), days), max_size=30),
)
def test_authorized_array_agrees_with_authorized(org_kinds, held, asks):
    start = date(2025, 1, 1)
    valid = [(o, k, min(a, b), max(a, b)) for o, k, a, b in held]
    auths = [Authorization(f"O{o}", k, start + timedelta(a), start + timedelta(b))
             for o, k, a, b in valid]
    issuer = np.array([a[0] for a in asks], dtype=np.int64)
    got = sv.authorized_array(
        statutory=np.array([org_kinds[i] in sv.STATUTORY for i in issuer], dtype=bool),
        barred=np.array([org_kinds[i] in sv.NEVER_AUTHORIZED for i in issuer], dtype=bool),
        key=np.array([a[0] * 10 + KINDS.index(a[1]) for a in asks], dtype=np.int64),
        day=np.array([a[2] for a in asks], dtype=np.int64),
        auth_key=np.array([o * 10 + KINDS.index(k) for o, k, _, _ in valid], dtype=np.int64),
        auth_from=np.array([a for _, _, a, _ in valid], dtype=np.int64),
        auth_until=np.array([b for _, _, _, b in valid], dtype=np.int64),
    )
    for ok, (o, k, d) in zip(got.tolist(), asks, strict=True):
        mine = [a for a in auths if a.organization == f"O{o}"]
        assert ok == sv.authorized(org_kinds[o], mine, k, start + timedelta(d))
