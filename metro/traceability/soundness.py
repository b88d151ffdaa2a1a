"""Soundness of a certificate and traceability of a standard on a day: one recursion.

DESIGN.md "Traceability is time-indexed":

* A standard is **traceable on day d** when it is ``primary``, or the certificate that speaks for
  it on d is sound and in date (``valid_until ≥ d``). A ``fail`` speaks from its own day, so a
  later fail ends a standard's traceability even while an earlier certificate is still in date.
* A certificate is **sound** when its conclusion is not ``fail`` and, for every reference
  standard, on the **calibration date** (not today): the reference was traceable; its
  examination certificate (考核证书), where it has one, was valid (a public standard must have
  one); and the references together are adequate (:mod:`metro.model.adequacy`).

The two definitions call each other up the levels (references stand strictly above their
subjects, so the recursion ends at primary standards); :class:`Judge` memoises soundness per
certificate. Every refusal is a :class:`Problem` whose text names the link and gives the
numbers; :meth:`Problem.root` is the first broken link.

Decisions, where DESIGN.md is silent:

* Checks run in this order and the first failure is reported: own conclusion; then each
  reference in the order given (traceable? then examination certificate); then adequacy. For a
  reference: no certificate, failed, expired on that day, unsound.
* Examination certificates are judged by :mod:`metro.model.examination` (the one home): a
  certificate number without both its dates is valid on no day.
* Every problem about a reference names it (``Problem.reference``), also when none of the
  references has a capability of the subject's kind (then the first reference is named, and
  the text lists them all); ``metro status`` and ``metro chain`` both word an unsound
  certificate through :func:`fault` from the same :class:`Problem`.
* The administrative status of a standard (active/sealed/revoked) does not enter traceability;
  coverage checks it on its own.
* A certificate of a primary standard needs no reference (a primary standard is valid anyway).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from metro.model import reasons
from metro.model.capability import InstrumentRow
from metro.model.examination import ExamState
from metro.model.validity import CertificateRow
from metro.traceability.adequacy import (
    Need,
    Verdict,
    assess,
    describe,
    instrument_need,
    standard_needs,
)
from metro.traceability.graph import StandardsGraph
from metro.traceability.speaking import in_date


class Why(StrEnum):
    # a standard was not traceable on a day
    NO_CERTIFICATE = "no_certificate"
    FAILED = "failed"
    EXPIRED = "expired"
    UNSOUND = "unsound"
    # a certificate is not sound
    CONCLUDES_FAIL = "concludes_fail"
    NO_REFERENCE = "no_reference"
    REFERENCE_UNTRACEABLE = "reference_untraceable"
    EXAM_MISSING = "exam_missing"
    EXAM_INVALID = "exam_invalid"
    INADEQUATE = "inadequate"
    CYCLE = "cycle"


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a standard was not traceable on ``day``, or why a certificate is not sound.

    ``certificate`` is the certificate the problem is about (None when there is none);
    ``reference`` the standard concerned; ``cause`` the problem one link further up.
    """

    why: Why
    text: str
    day: date
    certificate: CertificateRow | None = None
    reference: int | None = None
    cause: Problem | None = None

    def root(self) -> Problem:
        """The first broken link: follow the causes up to a problem of its own."""
        p = self
        while p.cause is not None:
            p = p.cause
        return p


class Judge:
    """Soundness and traceability over a :class:`StandardsGraph`, memoised per certificate."""

    def __init__(self, graph: StandardsGraph) -> None:
        self.graph = graph
        self._sound: dict[int, Problem | None] = {}
        self._busy: set[int] = set()

    # -- standards on a day ---------------------------------------------------------------

    def traceable_on(self, standard_id: int, day: date) -> Problem | None:
        """None when the standard was traceable on ``day``, else why not."""
        g = self.graph
        if g.is_primary(standard_id):
            return None
        code = g.code(standard_id)
        cert = g.speaking(standard_id, day)
        if cert is None:
            return Problem(Why.NO_CERTIFICATE,
                           reasons.HAD_NO_CERTIFICATE.format(code=code, day=day),
                           day, None, standard_id)
        if cert.conclusion == "fail":
            return Problem(Why.FAILED, reasons.HAD_FAILED.format(
                code=code, day=cert.calibrated_on, number=cert.number), day, cert, standard_id)
        if not in_date(cert, day):
            last = cert.in_force_until
            until = last.isoformat() if last else "no date given"
            return Problem(Why.EXPIRED, reasons.HAD_EXPIRED.format(
                code=code, number=cert.number, day=day, until=until), day, cert, standard_id)
        inner = self.soundness(cert)
        if inner is not None:
            return Problem(Why.UNSOUND,
                           f"{code}'s certificate {cert.number} is unsound: {inner.text}",
                           day, cert, standard_id, inner)
        return None

    def exam_problem(self, standard_id: int, day: date) -> Problem | None:
        """The reference's examination certificate on ``day`` (where it has or needs one)."""
        s = self.graph.standard(standard_id)
        state = s.exam_state(day)
        if state.ok:
            return None
        if state is ExamState.MISSING:
            return Problem(Why.EXAM_MISSING,
                           f"reference {s.code} ({s.level}) has no examination certificate; "
                           "a public standard must have one", day, None, standard_id)
        start = s.exam_valid_from.isoformat() if s.exam_valid_from else "…"
        end = s.exam_valid_until.isoformat() if s.exam_valid_until else "…"
        return Problem(Why.EXAM_INVALID,
                       f"reference {s.code}'s examination certificate {s.exam_cert} was not "
                       f"valid on {day} (valid {start} … {end})", day, None, standard_id)

    # -- certificates ---------------------------------------------------------------------

    def needs(self, cert: CertificateRow, instrument: InstrumentRow | None = None) -> tuple[
        Need, ...
    ]:
        """What the certificate's subject needs of its references (one need per capability)."""
        if cert.subject_standard_id is not None:
            return standard_needs(self.graph.capabilities(cert.subject_standard_id))
        if instrument is None or instrument.id != cert.subject_instrument_id:
            raise ValueError(f"certificate {cert.number}: its instrument is needed")
        return (instrument_need(instrument),)

    def adequacy(self, cert: CertificateRow, instrument: InstrumentRow | None = None) -> tuple[
        Verdict, ...
    ]:
        candidates = [(r, c) for r in cert.references for c in self.graph.capabilities(r)]
        return tuple(assess(n, candidates, cert.references) for n in self.needs(cert, instrument))

    def soundness(self, cert: CertificateRow, instrument: InstrumentRow | None = None) -> (
        Problem | None
    ):
        """None when the certificate is sound, else the first reason it is not."""
        if cert.id in self._sound:
            return self._sound[cert.id]
        if cert.id in self._busy:
            return Problem(Why.CYCLE, f"certificate {cert.number} depends on itself",
                           cert.calibrated_on, cert)
        self._busy.add(cert.id)
        try:
            result = self._soundness(cert, instrument)
        finally:
            self._busy.discard(cert.id)
        self._sound[cert.id] = result
        return result

    def _soundness(self, cert: CertificateRow, instrument: InstrumentRow | None) -> Problem | None:
        day = cert.calibrated_on
        if cert.conclusion == "fail":
            return Problem(Why.CONCLUDES_FAIL,
                           reasons.LINK_CONCLUDES_FAIL.format(number=cert.number), day, cert)
        if not cert.references:
            subject = cert.subject_standard_id
            if subject is not None and self.graph.is_primary(subject):
                return None
            return Problem(Why.NO_REFERENCE,
                           reasons.NO_REFERENCE.format(number=cert.number), day, cert)
        for ref in cert.references:
            p = self.traceable_on(ref, day)
            if p is not None:
                return Problem(Why.REFERENCE_UNTRACEABLE, f"reference {p.text}", day, cert, ref, p)
            e = self.exam_problem(ref, day)
            if e is not None:
                return Problem(e.why, e.text, day, cert, ref)
        for verdict in self.adequacy(cert, instrument):
            if not verdict.ok:
                return Problem(Why.INADEQUATE,
                               f"references inadequate: {describe(verdict, self.graph.code)}",
                               day, cert, verdict.at_fault)
        return None

    def last_sound_before(self, standard_id: int, day: date) -> CertificateRow | None:
        """The latest sound certificate of the standard calibrated strictly before ``day``."""
        for c in reversed(self.graph.timeline(standard_id).before(day)):
            if self.soundness(c) is None:
                return c
        return None


@dataclass(frozen=True, slots=True)
class Fault:
    """The first broken link behind an unsound certificate, as both ``metro status`` and
    ``metro chain`` name it: the certificate at fault, the day it was used, the reference
    concerned (None when the certificate itself is at fault) and why."""

    certificate: CertificateRow
    used_on: date
    reference: int | None
    text: str


def fault(certificate: CertificateRow, used_on: date, problem: Problem) -> Fault:
    """Follow ``problem`` (the soundness problem of ``certificate``, used on ``used_on``) up
    the chain to the link whose own problem it is.

    A reference that had no certificate is the citing certificate's problem; a reference whose
    certificate failed or had expired is that certificate's problem, on the day it was used; an
    unsound reference certificate is followed further up.
    """
    cert, used, p = certificate, used_on, problem
    while p.why is Why.REFERENCE_UNTRACEABLE and p.cause is not None:
        q = p.cause
        if q.why is Why.NO_CERTIFICATE or q.certificate is None:
            return Fault(cert, used, p.reference, f"reference {q.text}")
        if q.why is Why.UNSOUND and q.cause is not None:
            cert, used, p = q.certificate, cert.calibrated_on, q.cause
            continue
        return Fault(q.certificate, cert.calibrated_on, q.reference, q.text)
    return Fault(cert, used, p.reference, p.text)
