"""Examination validity has one home: soundness, the bulk timetable, coverage check 4 and the
synthetic generator all agree with metro.model.examination on random standards and days."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from metro.coverage.candidates import exam_problem
from metro.model.examination import ExamState, StandardRow, exam_state, exam_valid, window
from metro.model.levels import LEVELS, PUBLIC_LEVELS
from metro.repositories.traceability import to_day
from metro.synth.model import Standard as SynthStandard
from metro.synth.trace import Tracer
from metro.traceability.graph import StandardsGraph
from metro.traceability.soundness import Judge
from metro.traceability.timetable import Timetable

D0 = date(2024, 1, 1)
days = st.integers(0, 40).map(lambda n: D0 + timedelta(days=30 * n))
maybe_day = st.one_of(st.none(), days)


@st.composite
def standards(draw: st.DrawFn) -> tuple[StandardRow, date]:
    level = draw(st.sampled_from(LEVELS))
    cert = draw(st.sampled_from([None, "", "[2024]湘量标证字第1号"]))
    first, last = draw(maybe_day), draw(maybe_day)
    if first is not None and last is not None and last < first:
        first, last = last, first
    row = StandardRow(1, "S1", 1, "O", level, cert, first, last, "active")
    return row, draw(days)


@settings(max_examples=300, deadline=None)
@given(case=standards())
def test_every_user_agrees_with_the_home(case: tuple[StandardRow, date]) -> None:
    s, day = case
    home = exam_valid(s.level, s.exam_cert, s.exam_valid_from, s.exam_valid_until, day)
    # the rule's own forms
    assert home == s.exam_state(day).ok == s.exam_window().contains(day)
    # soundness (metro status / chain)
    judge = Judge(StandardsGraph.from_rows([s], [], []))
    assert (judge.exam_problem(s.id, day) is None) == home
    # the bulk timetable (instrument leaves)
    table = Timetable.build(judge)
    bulk = table.exam_ok(np.array([0]), np.array([to_day(day)]))
    assert bool(bulk[0]) == home
    # coverage check 4 (only public standards are candidates)
    if s.level in PUBLIC_LEVELS:
        why = exam_problem("active", s.exam_cert, s.exam_valid_from, s.exam_valid_until, day,
                           s.level)
        assert (why == "") == home
    # the synthetic generator (day ordinals)
    synth = SynthStandard(index=0, code="S1", name="S", owner="O", level=s.level, caps=(),
                          interval=12, family=None, template="t", exam_cert=s.exam_cert or "",
                          exam_from=s.exam_valid_from.toordinal() if s.exam_valid_from else None,
                          exam_until=s.exam_valid_until.toordinal() if s.exam_valid_until
                          else None)
    assert Tracer.exam_ok(synth, day.toordinal()) == home


def test_the_decisions() -> None:
    day = date(2025, 3, 1)
    a, b = date(2024, 1, 1), date(2027, 12, 31)
    # both days included
    assert exam_valid("public_highest", "E", a, b, a) and exam_valid("public_highest", "E", a, b, b)
    assert exam_state("public_highest", "E", a, b, b + timedelta(days=1)) is ExamState.EXPIRED
    assert exam_state("public_highest", "E", a, b, a - timedelta(days=1)) is ExamState.NOT_YET
    # a number without both dates is valid on no day: never open-ended
    assert exam_state("department_highest", "E", a, None, day) is ExamState.UNDATED
    assert exam_state("public_highest", "E", None, b, day) is ExamState.UNDATED
    # a public standard must have one; a non-public one without has nothing to check
    assert exam_state("public_secondary", None, None, None, day) is ExamState.MISSING
    assert exam_state("working", None, None, None, day) is ExamState.NOT_NEEDED
    assert window("working", None, None, None).always
