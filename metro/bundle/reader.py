"""Reading one CSV file of a bundle, strictly: its rows as cells, every problem as a BundleIssue.

Python's csv module forgives what a bundle must not: a quote in the middle of a field is kept
as a character (``HNIM"`` would become an organization code), and a quoted field left open
swallows the rest of the file. This reader keeps the csv module's speed (C, one pass) and adds
what it does not check, looking at a record's raw text only when that text holds a quote.

Decisions where the design is silent:

* Quoting is RFC 4180's: a field is either unquoted and holds no ``"``, or quoted whole with
  ``""`` for a quote inside it. A stray quote (``HNIM"``, ``"HNIM"T``, a space before the opening
  quote) is an error naming the line and column. The row is still checked (and its code
  remembered), so the rows that refer to it are not reported as well.
* A line is the physical line where a record starts (a quoted field may span lines).
* A quoted field that is not closed where it should be is reported at the line where it opens,
  with at most that line's text, never the rest of the file; that line is not read as a row,
  and reading goes on at the next line.
* A file that is not UTF-8 is reported once, at its first bad byte (line, and offset in the
  file), with the encoding it looks like — GBK/GB18030 (common here), UTF-16, Windows-1252 —
  and the advice to save it as UTF-8. The rest of the file is then read in that encoding, so
  its rows are still checked (nothing is written anyway); a UTF-16 file is not read further.
  A UTF-8 byte order mark is accepted. Lines end with LF, CRLF or CR.
* Blank lines are skipped; a row with another number of cells than the header is one issue.
* A missing optional column (``contract.OPTIONAL``) is no issue: it is absent from the row's
  column map, and the handler reads it as empty.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import BinaryIO

from metro.bundle.contract import FILES, OPTIONAL
from metro.bundle.issues import BundleIssue

QUOTE = '"'
# How much of the file, from the first bad byte on, is decoded to guess its encoding.
GUESS_BYTES = 1 << 20
# A file's text in an issue is cut to this many characters.
SHOWN = 40

Rows = Iterator[tuple[int, dict[str, int], list[str]]]


def read_rows(path: Path, issues: list[BundleIssue], expected: tuple[str, ...] = ()) -> Rows:
    """``(line, column → cell index, cells)`` for each data row of ``path``; problems to ``issues``.

    ``expected`` is the file's contract columns (by default those of the bundle file of that
    name). Nothing is yielded when the header lacks a column or names one twice.
    """
    expected = expected or FILES[path.name]
    with path.open("rb") as f:
        yield from _File(path, f, issues).rows(expected)


class _File:
    """One file being read: its decoded lines, and the raw lines of the record being parsed."""

    def __init__(self, path: Path, f: BinaryIO, issues: list[BundleIssue]) -> None:
        self.path, self.name, self.f, self.issues = path, path.name, f, issues
        self.record: list[str] = []  # the raw lines the csv reader has taken for this record
        self.stopped = False
        self.line = 1  # where the first record after the header starts

    # --- lines --------------------------------------------------------------------------------

    def lines(self) -> Iterator[str]:
        """The file's lines as text (recorded in ``record``): UTF-8 until a byte is not."""
        record, f = self.record, self.f
        first = f.readline()
        pos = 0  # offset in the file of the line being decoded
        if first.startswith(codecs.BOM_UTF8):
            first, pos = first[len(codecs.BOM_UTF8) :], len(codecs.BOM_UTF8)
        source: Iterator[bytes] = chain((first,), f) if first else iter(())
        if b"\r" in first.rstrip(b"\r\n"):  # lines ended by a lone CR (old Mac)
            source = (part for data in source for part in data.splitlines(keepends=True))
        for n, data in enumerate(source, 1):
            try:
                text = data.decode()
            except UnicodeDecodeError as exc:
                looks = _looks_like(self.path, pos)
                self.issues.append(_not_utf8(self.name, n, pos + exc.start, data, exc, looks))
                if looks is not None and looks[1] == "utf-16":
                    self.stopped = True
                    return
                codec = "utf-8" if looks is None else looks[1]
                bad = data
                break
            pos += len(data)
            record.append(text)
            yield text
        else:
            return
        # Not UTF-8: the rest is read in the encoding it looks like, to check its rows.
        for more in chain((bad,), source):
            text = more.decode(codec, "replace")
            record.append(text)
            yield text

    # --- records ------------------------------------------------------------------------------

    def rows(self, expected: tuple[str, ...]) -> Rows:
        name, issues, record = self.name, self.issues, self.record
        source: Iterator[str] = self.lines()
        reader = csv.reader(source, strict=True)
        header = self.header(reader, expected)
        if header is None:
            for _ in source:  # still say whether the text is UTF-8
                record.clear()
            return
        columns = {c: header.index(c) for c in expected if c in header}
        width = len(header)
        key_at = columns[expected[0]]
        line = self.line  # where the next record starts
        while True:
            try:
                for cells in reader:
                    first = line
                    line += len(record)
                    raw = record[0] if len(record) == 1 else "".join(record)
                    record.clear()
                    if len(cells) != width:
                        if any(c.strip() for c in cells):
                            issues.append(
                                BundleIssue(
                                    name,
                                    first,
                                    "",
                                    _cut(",".join(cells)),
                                    f"{len(cells)} cells where the header has {width}",
                                )
                            )
                        continue
                    if QUOTE in raw and (bad := _stray_quote(raw, cells)) is not None:
                        key = cells[key_at].strip()
                        column = _column_name(header, bad)
                        issues.append(BundleIssue(name, first, column, cells[bad], _STRAY, key))
                    yield first, columns, cells
                return
            except csv.Error as exc:
                issue, resume = _broken_record(name, header, line, record, exc)
                issues.append(issue)
                # Go on after the line where things went wrong: the lines the csv reader took
                # after it are read again, as records of their own.
                again = record[resume - line :]
                line = resume
                record.clear()
                source = _replay(again, record, source)
                reader = csv.reader(source, strict=True)

    def header(self, reader: Iterator[list[str]], expected: tuple[str, ...]) -> list[str] | None:
        """The header's column names, or None (with the issues) when rows cannot be read by it."""
        name, issues, record = self.name, self.issues, self.record
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            issues.append(_broken_record(name, [], 1, record, exc)[0])
            return None
        if cells is None:
            if not self.stopped:  # an empty file: every column is missing
                _header_ok(name, [], expected, issues)
            return None
        raw = "".join(record)
        self.line = 1 + len(record)
        record.clear()
        if QUOTE in raw and (bad := _stray_quote(raw, cells)) is not None:
            issues.append(BundleIssue(name, 1, f"cell {bad + 1}", cells[bad], _STRAY))
            return None
        header = [h.strip() for h in cells]
        return header if _header_ok(name, header, expected, issues) else None


def _replay(lines: list[str], record: list[str], rest: Iterator[str]) -> Iterator[str]:
    for text in lines:
        record.append(text)
        yield text
    yield from rest


def _header_ok(
    name: str, header: list[str], expected: tuple[str, ...], issues: list[BundleIssue]
) -> bool:
    missing = [c for c in expected if c not in header and c not in OPTIONAL.get(name, ())]
    for c in missing:
        issues.append(BundleIssue(name, 1, c, "", "column missing from the header"))
    for c in header:
        if c not in expected:
            issues.append(
                BundleIssue(name, 1, c, c, f"unknown column; expected {', '.join(expected)}")
            )
    twice = len(set(header)) != len(header)
    if twice:
        issues.append(BundleIssue(name, 1, "", ",".join(header), "a column is named twice"))
    return not missing and not twice


def _column_name(header: list[str], index: int) -> str:
    if index < len(header):
        return header[index]
    return f"cell {index + 1}"


# --- quoting ----------------------------------------------------------------------------------

_STRAY = (
    'a quote (") inside an unquoted field: quote the whole field and double each quote in it '
    '(HN"IM is written "HN""IM")'
)


def _stray_quote(raw: str, cells: list[str]) -> int | None:
    """The index of the first cell whose raw text holds a quote outside RFC 4180 quoting.

    The csv reader (strict) has already refused a quoted field followed by anything but a comma;
    what it lets through is a quote inside an unquoted field. A quoted cell's raw text is the
    cell with its quotes doubled, between quotes, so the raw record can be walked cell by cell.
    """
    pos = 0
    for n, cell in enumerate(cells):
        if raw.startswith(QUOTE, pos):
            pos += len(cell) + cell.count(QUOTE) + 2
        elif QUOTE in cell:
            return n
        else:
            pos += len(cell)
        pos += 1  # the comma
    return None


def _broken_record(
    name: str, header: list[str], first: int, record: list[str], exc: csv.Error
) -> tuple[BundleIssue, int]:
    """The issue for a record the csv reader refused, and the line where reading goes on."""
    where = _quoting(record, first)
    if where is None:
        # Not about quotes: the csv module's other complaints are about one line.
        text = _cut(record[0].rstrip("\r\n") if record else "")
        return BundleIssue(name, first, "", text, f"not CSV ({exc})"), first + 1
    kind, opened_at, field, text, closed_at, after = where
    column = _column_name(header, field) if header else f"cell {field + 1}"
    if kind == "after":
        why = f"a quoted field ends at its closing quote, but {after!r} follows it"
        if closed_at != opened_at:
            why = (
                f"the quote opened here is not closed on this line: it ends on line {closed_at}, "
                f"followed by {after!r}"
            )
    else:
        why = "a quoted field opens here and is never closed"
    return BundleIssue(name, opened_at, column, _cut(text), why), opened_at + 1


def _quoting(record: list[str], first: int) -> tuple[str, int, int, str, int, str] | None:
    """Where a record's quoting goes wrong: ``(kind, line opened, field, text, line, char)``.

    ``kind`` is ``"after"`` when a quoted field is followed by something other than a comma or
    the end of the line, ``"open"`` when a quoted field is still open at the end of the record;
    None when the quoting is sound. Walks the record character by character: only for a record
    the csv reader refused, which its field size limit keeps short.
    """
    field, state = 0, "start"
    opened = (first, 0, "")
    for n, text in enumerate(record, first):
        for i, ch in enumerate(text):
            if state == "quoted":
                if ch == QUOTE:
                    state = "quote"
            elif state == "quote":
                if ch == QUOTE:
                    state = "quoted"
                elif ch == ",":
                    field, state = field + 1, "start"
                elif ch in "\r\n":
                    field, state = 0, "start"
                else:
                    return "after", opened[0], opened[1], opened[2], n, ch
            elif ch == ",":
                field, state = field + 1, "start"
            elif ch in "\r\n":
                field, state = 0, "start"
            elif state == "start" and ch == QUOTE:
                state = "quoted"
                opened = (n, field, text[i:].rstrip("\r\n"))
            else:
                state = "plain"
    if state == "quoted":
        return "open", opened[0], opened[1], opened[2], opened[0], ""
    return None


def _cut(text: str) -> str:
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


# --- encoding ---------------------------------------------------------------------------------


def _not_utf8(
    name: str,
    line: int,
    offset: int,
    data: bytes,
    exc: UnicodeDecodeError,
    looks: tuple[str, str] | None,
) -> BundleIssue:
    """The issue for a file that is not UTF-8: its first bad byte, and what it looks like."""
    shown = "".join(f"\\x{b:02x}" for b in data[exc.start : exc.end])
    why = f"not UTF-8 text: byte {shown} at offset {offset} of the file"
    if looks is None:
        why += "; save it as UTF-8"
        codec = "utf-8"
    else:
        label, codec = looks
        why += f"; it looks like {label}: save it as UTF-8 (Excel: Save As → CSV UTF-8)"
    value = _cut(data.decode(codec, errors="replace").rstrip("\r\n"))
    return BundleIssue(name, line, "", value, why)


# Tried in this order; the first that decodes the text from the bad line on is named. GBK
# first: it is what spreadsheets here save by default; Windows-1252 decodes almost any bytes.
_ENCODINGS = (("GBK", "gbk"), ("GB18030", "gb18030"), ("Windows-1252", "cp1252"))


def _looks_like(path: Path, start: int) -> tuple[str, str] | None:
    """The encoding the file seems to be in, judged from ``start`` (its first bad line) on."""
    with path.open("rb") as f:
        if f.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            return "UTF-16", "utf-16"
        f.seek(start)
        data = f.read(GUESS_BYTES)
    if len(data) == GUESS_BYTES and b"\n" in data:
        data = data[: data.rindex(b"\n") + 1]  # whole lines: no character cut in two
    for label, codec in _ENCODINGS:
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        return label, codec
    return None
