"""The DESIGN rules the generator must respect, evaluated over its own standards.

Adequacy, examination validity, the status words and the gap reasons are the model's
(:mod:`metro.model.adequacy`, :mod:`metro.model.examination`, :mod:`metro.model.statuses`,
:mod:`metro.model.gaps`); this module applies them to the generator's in-memory objects (day
ordinals, :class:`~metro.synth.model.Cap`) for soundness, traceability and status at a date and
the five coverage checks. The generator uses them to choose references that keep chains sound,
to place deliberate defects, and to design demand items whose coverage outcome is known.
Decisions the generator relies on use a margin (``tolerance`` ±1e-6 instead of the rule's 1e-9)
so that float rounding cannot flip them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from metro.model import adequacy as rule
from metro.model.examination import exam_valid
from metro.model.gaps import MET, reason_for
from metro.model.statuses import Status, is_traceable
from metro.synth.model import Cap, CertRec, Standard

RULE = rule.TOLERANCE  # evaluating the rule as written
ROBUST_PASS = -1e-6  # "adequate, whatever the rounding"
ROBUST_FAIL = 1e-6  # "inadequate, whatever the rounding"


def contains(cap: Cap, lo: float, hi: float) -> bool:
    """The capability's range contains [lo, hi] (the model's rule and tolerance)."""
    _, t_max = rule.extent(lo, hi)
    start_by, end_by = rule.range_bounds(lo, hi, t_max)
    return bool(rule.contains(cap.lo, cap.hi, start_by, end_by))


def within(cap: Cap, lo: float, hi: float, lim_a: float, lim_b: float, slack: float) -> bool:
    """U_cap(|x|) at k=2 ≤ (lim_a + lim_b·|x|)·(1 + slack) over [lo, hi] (the model's rule,
    ``slack`` as its tolerance)."""
    a2, b2 = cap.a2, cap.b2
    return all(
        bool(rule.fits(a2, b2, t, rule.allowance(lim_a, lim_b, t, slack)))
        for t in rule.extent(lo, hi)
    )


def meets_instrument(
    cap: Cap,
    kind: str,
    lo: float,
    hi: float,
    mpe_a: float,
    mpe_b: float,
    ratio: float,
    slack: float = RULE,
) -> bool:
    return (
        cap.kind == kind
        and contains(cap, lo, hi)
        and within(cap, lo, hi, mpe_a / ratio, mpe_b / ratio, slack)
    )


def meets_capability(ref: Cap, subject: Cap, ratio: float, slack: float = RULE) -> bool:
    return (
        ref.kind == subject.kind
        and contains(ref, subject.lo, subject.hi)
        and within(ref, subject.lo, subject.hi, subject.a2 / ratio, subject.b2 / ratio, slack)
    )


def adequate_for_standard(
    refs: Iterable[Standard],
    subject: Standard,
    ratios: Mapping[str, float],
    slack: float = RULE,
) -> bool:
    ref_caps = [c for r in refs for c in r.caps]
    return all(
        any(meets_capability(rc, sc, ratios[sc.kind], slack) for rc in ref_caps)
        for sc in subject.caps
    )


class Tracer:
    """Traceability of standards, as DESIGN.md defines it, over the generator's certificates."""

    def __init__(
        self,
        standards: Sequence[Standard],
        standard_ratios: Mapping[str, float],
        instrument_ratios: Mapping[str, float],
        lead_days: int,
    ) -> None:
        self.by_code = {s.code: s for s in standards}
        self.standard_ratios = standard_ratios
        self.instrument_ratios = instrument_ratios
        self.lead_days = lead_days
        self._sound: dict[int, bool] = {}

    def forget(self) -> None:
        self._sound.clear()

    @staticmethod
    def valid_certs(std: Standard) -> list[CertRec]:
        return sorted((c for c in std.certs if not c.revoked), key=lambda c: c.date)

    def speaking(self, std: Standard, day: int) -> CertRec | None:
        best: CertRec | None = None
        for c in std.certs:
            if not c.revoked and c.date <= day and (best is None or c.date >= best.date):
                best = c
        return best

    @staticmethod
    def exam_ok(std: Standard, day: int) -> bool:
        """The model's examination rule (metro.model.examination), on day ordinals."""
        return exam_valid(std.level, std.exam_cert or None, std.exam_from, std.exam_until, day)

    def sound(self, cert: CertRec) -> bool:
        key = id(cert)
        cached = self._sound.get(key)
        if cached is not None:
            return cached
        ok = cert.conclusion != "fail" and bool(cert.refs)
        if ok:
            refs = [self.by_code[r] for r in cert.refs]
            ok = all(self.traceable(r, cert.date) and self.exam_ok(r, cert.date) for r in refs)
            ok = ok and adequate_for_standard(
                refs, self.by_code[cert.subject], self.standard_ratios
            )
        self._sound[key] = ok
        return ok

    def traceable(self, std: Standard, day: int) -> bool:
        if std.level == "primary":
            return True
        cert = self.speaking(std, day)
        return (
            cert is not None and cert.until is not None and cert.until >= day and self.sound(cert)
        )

    def latest_fail(self, std: Standard, day: int) -> CertRec | None:
        fails = [c for c in std.certs if not c.revoked and c.conclusion == "fail" and c.date <= day]
        return max(fails, key=lambda c: c.date) if fails else None

    def suspect_cert(self, cert: CertRec, day: int, _depth: int = 0) -> bool:
        if _depth > 10:
            return False
        for code in cert.refs:
            ref = self.by_code[code]
            fail = self.latest_fail(ref, day)
            if fail is not None and cert.date < fail.date:
                before = self.speaking(ref, fail.date - 1)
                if before is not None and self.sound(before) and before.date <= cert.date:
                    return True
            spoke = self.speaking(ref, cert.date)
            if spoke is not None and self.suspect_cert(spoke, day, _depth + 1):
                return True
        return False

    def status(self, std: Standard, day: int) -> str:
        if std.level == "primary":
            return Status.VALID
        cert = self.speaking(std, day)
        if cert is None:
            return Status.NEVER_CALIBRATED
        if cert.conclusion == "fail":
            return Status.FAILED
        if cert.until is None or cert.until < day:
            return Status.OVERDUE
        if not self.sound(cert):
            return Status.UNTRACEABLE
        if self.suspect_cert(cert, day):
            return Status.SUSPECT
        if cert.until <= day + self.lead_days:
            return Status.DUE_SOON
        return Status.VALID

    def checks_passed(
        self,
        cand: Standard,
        kind: str,
        lo: float,
        hi: float,
        mpe_a: float,
        mpe_b: float,
        day: int,
        slack: float,
    ) -> int:
        """How many of the five coverage checks ``cand`` passes for a demand (kind matched = 1)."""
        ratio = self.instrument_ratios[kind]
        best = 0
        for cap in cand.caps:
            if cap.kind != kind:
                continue
            best = max(best, 1)
            if not contains(cap, lo, hi):
                continue
            best = max(best, 2)
            if not within(cap, lo, hi, mpe_a / ratio, mpe_b / ratio, slack):
                continue
            best = max(best, 3)
            if cand.status != "active" or not self.exam_ok(cand, day):
                continue
            best = max(best, 4)
            if not is_traceable(self.status(cand, day)):
                continue
            return MET
        return best

    def coverage_reason(
        self,
        candidates: Sequence[Standard],
        kind: str,
        lo: float,
        hi: float,
        mpe_a: float,
        mpe_b: float,
        day: int,
    ) -> str | None:
        """None when covered; else the gap reason. Raises when rounding could flip the answer."""
        strict = max(
            (
                self.checks_passed(c, kind, lo, hi, mpe_a, mpe_b, day, ROBUST_PASS)
                for c in candidates
            ),
            default=0,
        )
        loose = max(
            (
                self.checks_passed(c, kind, lo, hi, mpe_a, mpe_b, day, ROBUST_FAIL)
                for c in candidates
            ),
            default=0,
        )
        if strict != loose:
            raise ValueError(f"demand {kind} [{lo}, {hi}] sits on an uncertainty boundary")
        return reason_for(strict)
