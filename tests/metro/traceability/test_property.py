"""Property-based: on random provinces the engine agrees with a plain reading of the rules.

The oracle below is written from DESIGN.md alone, one asset at a time, by plain recursion over
rows read with simple selects; it shares no code with ``metro.traceability``. Hypothesis builds
provinces (levels, capabilities, examination certificates, certificates with one or two
references, fails, revocations, instruments) and a date; the one-pass engine, the per-asset walk
and the impact report must all agree with the oracle.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, select

from metro.db.models import (
    Capability,
    Certificate,
    CertificateReference,
    Instrument,
    Standard,
)
from metro.quantity_kinds import get_kind
from metro.repositories.traceability import to_day
from metro.traceability import Province, impact_report, province_status, status_of
from metro.traceability.timetable import TRACEABLE
from tests import factories as f
from tests.metro.traceability.province import load, wipe

EXAMPLES = int(os.environ.get("METRO_PROPERTY_EXAMPLES", "40"))
START = date(2023, 1, 1)
RANK = {"primary": 5, "public_highest": 4, "public_secondary": 3, "enterprise_highest": 2,
        "working": 1}
PREFIX = {"primary": "P", "public_highest": "H", "public_secondary": "S",
          "enterprise_highest": "E", "working": "W"}
PUBLIC = ("public_highest", "public_secondary")
SLACK = 1e-9

# --------------------------------------------------------------------------------------------
# The oracle


@dataclass
class World:
    standards: dict[int, dict[str, Any]] = field(default_factory=dict)
    instruments: dict[int, dict[str, Any]] = field(default_factory=dict)
    certificates: list[dict[str, Any]] = field(default_factory=list)


def read_world(conn: Connection) -> World:
    w = World()
    for s in conn.execute(select(Standard)).mappings():
        w.standards[s["id"]] = {**s, "caps": []}
    for c in conn.execute(select(Capability)).mappings():
        w.standards[c["standard_id"]]["caps"].append(dict(c))
    for i in conn.execute(select(Instrument)).mappings():
        w.instruments[i["id"]] = dict(i)
    refs: dict[int, list[tuple[int, int]]] = {}
    for r in conn.execute(select(CertificateReference)).mappings():
        refs.setdefault(r["certificate_id"], []).append((r["position"], r["standard_id"]))
    for c in conn.execute(select(Certificate).where(Certificate.revoked.is_(False))).mappings():
        subject = ("s", c["subject_standard_id"]) if c["subject_standard_id"] else (
            "i", c["subject_instrument_id"])
        w.certificates.append({**c, "subject": subject,
                               "refs": [s for _, s in sorted(refs.get(c["id"], []))]})
    return w


def le(a: float, b: float) -> bool:
    return a <= b + SLACK * max(abs(a), abs(b))


class Oracle:
    def __init__(self, w: World) -> None:
        self.w = w

    def certs_of(self, kind: str, ident: int) -> list[dict[str, Any]]:
        return [c for c in self.w.certificates if c["subject"] == (kind, ident)]

    def speaking(self, kind: str, ident: int, day: date) -> dict[str, Any] | None:
        before = [c for c in self.certs_of(kind, ident) if c["calibrated_on"] <= day]
        return max(before, key=lambda c: (c["calibrated_on"], c["id"])) if before else None

    def primary(self, sid: int) -> bool:
        return bool(self.w.standards[sid]["level"] == "primary")

    def traceable(self, sid: int, day: date) -> bool:
        if self.primary(sid):
            return True
        c = self.speaking("s", sid, day)
        return (c is not None and c["conclusion"] != "fail" and c["valid_until"] is not None
                and c["valid_until"] >= day and self.sound(c))

    def exam_ok(self, sid: int, day: date) -> bool:
        s = self.w.standards[sid]
        if not s["exam_cert"]:
            return s["level"] not in PUBLIC
        return ((s["exam_valid_from"] is None or s["exam_valid_from"] <= day)
                and (s["exam_valid_until"] is None or day <= s["exam_valid_until"]))

    def needs(self, c: dict[str, Any]) -> list[tuple[str, float, float, Any]]:
        kind, ident = c["subject"]
        if kind == "i":
            i = self.w.instruments[ident]
            r = get_kind(i["quantity"]).instrument_ratio
            return [(i["quantity"], i["range_min"], i["range_max"],
                     lambda x, i=i, r=r: (i["mpe_abs"] + i["mpe_rel"] * abs(x)) / r)]
        out = []
        for cap in self.w.standards[ident]["caps"]:
            r = get_kind(cap["quantity"]).standard_ratio
            out.append((cap["quantity"], cap["range_min"], cap["range_max"],
                        lambda x, cap=cap, r=r: (cap["u_abs"] + cap["u_rel"] * abs(x))
                        * 2 / cap["k"] / r))
        return out

    def meets(self, need: tuple[str, float, float, Any], cap: dict[str, Any]) -> bool:
        kind, lo, hi, limit = need
        if cap["quantity"] != kind or not (le(cap["range_min"], lo) and le(hi, cap["range_max"])):
            return False
        points = list(np.linspace(lo, hi, 41)) + ([0.0] if lo < 0 < hi else [])
        return all(le((cap["u_abs"] + cap["u_rel"] * abs(x)) * 2 / cap["k"], limit(x))
                   for x in points)

    def sound(self, c: dict[str, Any]) -> bool:
        if c["conclusion"] == "fail":
            return False
        day = c["calibrated_on"]
        if not c["refs"]:
            return c["subject"][0] == "s" and self.primary(c["subject"][1])
        if not all(self.traceable(r, day) and self.exam_ok(r, day) for r in c["refs"]):
            return False
        caps = [cap for r in c["refs"] for cap in self.w.standards[r]["caps"]]
        return all(any(self.meets(n, cap) for cap in caps) for n in self.needs(c))

    def last_sound_before(self, sid: int, day: date) -> dict[str, Any] | None:
        before = sorted((c for c in self.certs_of("s", sid) if c["calibrated_on"] < day),
                        key=lambda c: (c["calibrated_on"], c["id"]))
        for c in reversed(before):
            if self.sound(c):
                return c
        return None

    def suspect(self, c: dict[str, Any], at: date) -> bool:
        for r in c["refs"]:
            spoke = self.speaking("s", r, c["calibrated_on"])
            if spoke is None or self.primary(r):
                continue
            for fail in self.certs_of("s", r):
                if fail["conclusion"] == "fail" and fail["calibrated_on"] <= at:
                    g = self.last_sound_before(r, fail["calibrated_on"])
                    if g is not None and g["id"] == spoke["id"]:
                        return True
            if self.suspect(spoke, at):
                return True
        return False

    def status(self, kind: str, ident: int, at: date, lead: int) -> tuple[str, date | None]:
        if kind == "s" and self.primary(ident):
            return "valid", None
        c = self.speaking(kind, ident, at)
        if c is None:
            return "never_calibrated", None
        due = c["valid_until"]
        if c["conclusion"] == "fail":
            return "failed", due
        if due is None or due < at:
            return "overdue", due
        if not self.sound(c):
            return "untraceable", due
        if self.suspect(c, at):
            return "suspect", due
        return ("due_soon" if due <= at + timedelta(days=lead) else "valid"), due

    def impact(self, sid: int) -> dict[str, int]:
        fails = [c for c in self.certs_of("s", sid) if c["conclusion"] == "fail"]
        if not fails or self.primary(sid):
            return {}
        last = max(fails, key=lambda c: (c["calibrated_on"], c["id"]))
        g = self.last_sound_before(sid, last["calibrated_on"])
        if g is None:
            return {}
        depth: dict[int, int] = {}
        changed = True
        while changed:
            changed = False
            for c in self.w.certificates:
                for r in c["refs"]:
                    spoke = self.speaking("s", r, c["calibrated_on"])
                    if spoke is None:
                        continue
                    d = 1 if (r == sid and spoke["id"] == g["id"]) else (
                        depth[spoke["id"]] + 1 if spoke["id"] in depth else None)
                    if d is not None and d < depth.get(c["id"], 1 << 30):
                        depth[c["id"]] = d
                        changed = True
        numbers = {c["id"]: c["number"] for c in self.w.certificates}
        return {numbers[i]: d for i, d in depth.items()}


# --------------------------------------------------------------------------------------------
# Random provinces

#: Typical expanded uncertainties by level (a draw may pick any other one).
U_REL = {"primary": "0.002 %", "public_highest": "0.01 %", "public_secondary": "0.05 %",
         "enterprise_highest": "0.1 %", "working": "0.5 %"}
RANGES = ("10 MPa", "25 MPa", "60 MPa", "100 MPa")
#: Typical range ends by level, the higher the wider.
RANGE = {"primary": "100 MPa", "public_highest": "100 MPa", "public_secondary": "60 MPa",
         "enterprise_highest": "25 MPa", "working": "25 MPa"}


def day(n: int) -> str:
    return (START + timedelta(days=n)).isoformat()


@st.composite
def provinces(draw: st.DrawFn) -> dict[str, list[dict[str, str]]]:
    """Small provinces biased towards chains that mostly hold, so that failures, windows and
    suspicion show up (see the statistics with --hypothesis-show-statistics)."""
    files: dict[str, list[dict[str, str]]] = {
        "organizations.csv": [f.organization(code="NIM", kind="nmi"), f.organization(code="LAB"),
                              f.organization(code="ENT", kind="enterprise")],
        "standards.csv": [], "capabilities.csv": [], "instruments.csv": [],
        "certificates.csv": [],
    }
    standards: list[tuple[str, str]] = []
    counts = {"primary": (1, 2), "public_highest": (1, 2), "public_secondary": (1, 3),
              "enterprise_highest": (0, 2), "working": (0, 1)}
    for level, (lo, hi) in counts.items():
        for i in range(draw(st.integers(lo, hi))):
            code = f"{PREFIX[level]}{i}"
            standards.append((code, level))
            exam_from = draw(st.sampled_from((-400, -400, 100, 300)))
            exam_until = exam_from + draw(st.sampled_from((2000, 2000, 500, 700)))
            files["standards.csv"].append(f.standard(
                code=code, owner="NIM" if level == "primary" else "LAB", level=level,
                exam_valid_from=day(exam_from), exam_valid_until=day(exam_until)))
            u_rel = draw(st.sampled_from((U_REL[level],) * 20 + tuple(U_REL.values())))
            files["capabilities.csv"].append(f.capability(
                standard=code, range_max=draw(st.sampled_from((RANGE[level],) * 20 + RANGES)),
                u_abs=draw(st.sampled_from(("",) * 8 + ("0.5 kPa",))), u_rel=u_rel,
                k=draw(st.sampled_from(("2",) * 5 + ("3",)))))
    number = 0

    def certificates(subject: str, refs: list[str], first: int, most: int,
                     validity: tuple[int, ...]) -> None:
        nonlocal number
        if not refs:
            return
        cal = first + draw(st.integers(0, 90))
        for n in range(draw(st.integers(1 if subject[0] != "G" else 0, most))):
            number += 1
            # a standard's later calibrations fail more often than its first (impact windows)
            conclusion = draw(st.sampled_from(
                ("pass",) * 6 + ("none", "fail") if n == 0 or subject[0] == "G"
                else ("pass", "pass", "none", "fail")))
            valid = "" if conclusion == "fail" and draw(st.booleans()) else day(
                cal + draw(st.sampled_from(validity)))
            chosen = draw(st.lists(st.sampled_from(refs), min_size=1, max_size=2, unique=True))
            files["certificates.csv"].append(f.certificate(
                number=f"C{number:03}", issuer="LAB", subject=subject,
                references=";".join(chosen), calibrated_on=day(cal), valid_until=valid,
                conclusion=conclusion,
                kind="calibration" if conclusion == "none" else "verification",
                status="revoked" if draw(st.integers(0, 14)) == 0 else "valid"))
            cal += draw(st.integers(60, 400))

    for code, level in standards:
        if level != "primary":
            above = [c for c, lv in standards if RANK[lv] > RANK[level]]
            certificates(code, above, 20 * (5 - RANK[level]), 4, (730, 730, 365, 180))
    for i in range(draw(st.integers(2, 7))):
        code = f"G{i}"
        files["instruments.csv"].append(f.instrument(
            code=code, owner="ENT",
            range_max=draw(st.sampled_from(("1.6 MPa", "1.6 MPa", "10 MPa", "10 MPa", *RANGES))),
            mpe_rel=draw(st.sampled_from(("1.6 %", "1.6 %", "0.25 %", "0.1 %")))))
        certificates(code, [c for c, _ in standards], 150, 3, (365, 365, 180, 60))
    return files


# --------------------------------------------------------------------------------------------
# The properties


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(files=provinces(), data=st.data(), lead=st.integers(0, 60))
def test_engine_agrees_with_the_oracle(db: Any, files: dict[str, list[dict[str, str]]],
                                       data: st.DataObject, lead: int) -> None:
    wipe(db)
    with tempfile.TemporaryDirectory() as tmp:
        load(db, Path(tmp) / "bundle", files)
    # a date near the certificates: a calibration day (fails weigh more: they open windows),
    # or the start, and up to 400 days on
    days = [date.fromisoformat(c["calibrated_on"]) for c in files["certificates.csv"]]
    fails = [date.fromisoformat(c["calibrated_on"]) for c in files["certificates.csv"]
             if c["conclusion"] == "fail"]
    at = data.draw(st.sampled_from([START, *days, *fails, *fails])) + timedelta(
        days=data.draw(st.integers(-10, 400)))
    with db.engine.connect() as conn:
        oracle = Oracle(read_world(conn))
        expected = {s["code"]: oracle.status("s", sid, at, lead)
                    for sid, s in oracle.w.standards.items()}
        expected |= {i["code"]: oracle.status("i", iid, at, lead)
                     for iid, i in oracle.w.instruments.items()}

        records = {r.asset: r for r in province_status(conn, at, lead).records(conn)}
        for word in sorted({r.status.value for r in records.values()}):
            event(f"status {word}")
        assert {k: (r.status.value, r.due) for k, r in records.items()} == expected

        for code, record in records.items():
            assert status_of(conn, code, at, lead) == record, code

        for sid, s in oracle.w.standards.items():
            report = impact_report(conn, s["code"])
            if report.certificates:
                event(f"impact depth {max(c.depth for c in report.certificates)}")
            assert {c.certificate: c.depth for c in report.certificates} == oracle.impact(sid)


@settings(max_examples=max(EXAMPLES // 2, 5), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(files=provinces())
def test_timetable_steps_are_the_traceability_rule(db: Any,
                                                   files: dict[str, list[dict[str, str]]]) -> None:
    wipe(db)
    with tempfile.TemporaryDirectory() as tmp:
        load(db, Path(tmp) / "bundle", files)
    with db.engine.connect() as conn:
        province = Province.load(conn)
        oracle = Oracle(read_world(conn))
    table = province.timetable
    days = [START + timedelta(days=n) for n in range(-10, 1900, 37)]
    for sid in oracle.w.standards:
        ids = np.full(len(days), sid, dtype=np.int64)
        steps = table.step(ids, np.array([to_day(d) for d in days], dtype=np.int64))
        got = (table.step_state[steps] == TRACEABLE).tolist()
        assert got == [oracle.traceable(sid, d) for d in days]
