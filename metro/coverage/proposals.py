"""Proposed capabilities for the what-if planner: one CSV in the bundle's capabilities format.

``metro plan --add FILE.csv`` reads a file with exactly the columns of ``capabilities.csv``
(``standard, quantity, range_min, range_max, u_abs, u_rel, k``). ``standard`` names the proposed
standard: a new code, or a stored one to give it more capabilities. A proposal is assumed
``active``, examined and traceable, so no ``standards.csv`` is needed (region does not enter
the five checks either). Cells are checked as the bundle loader checks them; every problem is
reported at once (file, line, column, value, why) as ``BundleRejected``.

``metro plan --suggest K --write FILE.csv`` writes its suggestions in this same format, so a
suggestion can be fed straight back to ``--add``.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path

from metro.bundle.cells import Row
from metro.bundle.contract import FILES
from metro.bundle.issues import BundleIssue, BundleRejected
from metro.coverage.candidates import PROPOSED, CapabilityRow
from metro.errors import InvalidInput
from metro.quantity_kinds import kinds

COLUMNS = FILES["capabilities.csv"]


def read_proposals(path: Path) -> list[CapabilityRow]:
    """The proposals in ``path``; ``BundleRejected`` listing every bad cell, or ``InvalidInput``."""
    if not path.is_file():
        raise InvalidInput(f"proposals file {str(path)!r} does not exist or is not a file")
    issues: list[BundleIssue] = []
    out: list[CapabilityRow] = []
    name = path.name
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = [h.strip() for h in next(reader, [])]
            missing = [c for c in COLUMNS if c not in header]
            for c in missing:
                issues.append(BundleIssue(name, 1, c, "", "column missing from the header"))
            for c in header:
                if c not in COLUMNS:
                    issues.append(
                        BundleIssue(name, 1, c, c, f"unknown column; expected {', '.join(COLUMNS)}")
                    )
            if len(set(header)) != len(header):
                issues.append(BundleIssue(name, 1, "", ",".join(header), "a column is named twice"))
            if issues:
                raise BundleRejected(issues)
            columns = {c: header.index(c) for c in COLUMNS}
            for cells in reader:
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) != len(header):
                    issues.append(
                        BundleIssue(
                            name,
                            reader.line_num,
                            "",
                            ",".join(cells),
                            f"{len(cells)} cells where the header has {len(header)}",
                        )
                    )
                    continue
                row = Row(name, reader.line_num, columns, cells, issues)
                proposal = _check(row)
                if proposal is not None:
                    out.append(proposal)
    except UnicodeDecodeError as exc:
        issues.append(
            BundleIssue(name, 0, "", "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        )
    except csv.Error as exc:
        issues.append(BundleIssue(name, 0, "", "", f"not valid CSV ({exc})"))
    if issues:
        raise BundleRejected(issues)
    if not out:
        raise InvalidInput(f"proposals file {str(path)!r} holds no proposals")
    return out


def _check(row: Row) -> CapabilityRow | None:
    code = row.required("standard")
    quantity = row.get("quantity")
    kind = kinds().get(quantity)
    if kind is None:
        row.fail("quantity", quantity, "unknown quantity kind (see `metro kinds`)")
    lo = row.absolute("range_min", kind, required=True)
    hi = row.absolute("range_max", kind, required=True)
    if lo is not None and hi is not None and lo > hi:
        row.fail(
            "range_min", row.get("range_min"), f"greater than range_max {row.get('range_max')!r}"
        )
    u_abs = row.difference("u_abs", kind)
    u_rel = row.fraction("u_rel")
    if not row.get("u_abs") and not row.get("u_rel"):
        row.fail("u_abs", "", "an expanded uncertainty: give u_abs, u_rel or both")
    k = row.positive("k", default=2.0)
    if row.bad or kind is None or lo is None or hi is None or k is None:
        return None
    return CapabilityRow(
        id=None,
        standard_id=-row.line,
        standard=code,
        level=PROPOSED,
        status="active",
        exam_cert=None,
        exam_valid_from=None,
        exam_valid_until=None,
        quantity=kind.code,
        range_min=lo,
        range_max=hi,
        u_abs=u_abs or 0.0,
        u_rel=u_rel or 0.0,
        k=k,
        range_min_given=row.get("range_min"),
        range_max_given=row.get("range_max"),
        u_abs_given=row.get("u_abs"),
        u_rel_given=row.get("u_rel"),
    )


def write_proposals(path: Path, rows: Sequence[Sequence[str]]) -> None:
    """Write capability rows (``COLUMNS`` order) as a proposals file ``--add`` reads."""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows(rows)


def proposal_from_values(values: Mapping[str, str], *, source: str = "form") -> CapabilityRow:
    """One proposal given as the cells of a ``capabilities.csv`` row (a form, a request),
    checked exactly as a file's row; ``BundleRejected`` names each bad cell."""
    issues: list[BundleIssue] = []
    cells = [str(values.get(c, "")).strip() for c in COLUMNS]
    row = Row(source, 1, {c: i for i, c in enumerate(COLUMNS)}, cells, issues)
    proposal = _check(row)
    if issues or proposal is None:
        raise BundleRejected(issues)
    return proposal
