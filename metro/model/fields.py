"""Field checks shared by every entity: the one home of "what a stored value may be".

The limits are the database's: a text longer than its column, an integer beyond 2³¹−1 or a NUL
byte is refused here, before any driver sees it, so SQLite (which would store it) and
PostgreSQL (which would raise) accept exactly the same data. Non-finite numbers (``inf``,
``nan``, ``1e308 MPa`` once converted to pascal) are refused everywhere, and so is an
uncertainty of zero: no metrology standard has U = 0.

Each check comes in two forms built on one function: ``*_problem(value, ...)`` returns the
reason a value is refused, or None — the bundle loader calls it per cell in its hot path and
reports the reason on its row — and the raising form, which the entities' ``__post_init__``
call, raises ``InvalidField`` naming the field, the value and the reason.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from datetime import date
from typing import Final, Protocol

from metro.errors import InvalidInput

MAX_INT: Final = 2**31 - 1
# Column sizes of the schema (metro/db/models): keep in step with the migrations.
CODE_LEN: Final = 64  # organization, standard, instrument and demand codes
NAME_LEN: Final = 200
REGION_LEN: Final = 6
QUANTITY_LEN: Final = 40
GIVEN_LEN: Final = 60  # a quantity as given: "0.02 kPa"
K_GIVEN_LEN: Final = 20
EXAM_CERT_LEN: Final = 100
NUMBER_LEN: Final = 80  # certificate number
REASON_LEN: Final = 500  # why a certificate was revoked
# Decision (DESIGN.md is silent): an interval longer than a century is a typo, and months
# beyond it would carry dates past year 9999 in the due-date arithmetic.
MAX_INTERVAL_MONTHS: Final = 1200


class InvalidField(InvalidInput):
    """One field's value is refused: ``field``, ``value`` and ``why`` are kept apart so an
    entry point can place them (a bundle row's column, an HTTP error's ``loc``)."""

    def __init__(self, field: str, value: object, why: str) -> None:
        self.field = field
        self.value = value
        self.why = why
        super().__init__(f"{field} {value!r}: {why}")


# --- reasons (None = fine) ------------------------------------------------------------------


def text_problem(value: str, max_len: int) -> str | None:
    """A text cell: at most ``max_len`` characters, no NUL byte (empty is the caller's call)."""
    if len(value) > max_len:
        return f"{len(value)} characters, longer than the {max_len} allowed"
    if "\x00" in value:
        return "contains a NUL byte"
    return None


def integer_problem(value: int, minimum: int, maximum: int = MAX_INT) -> str | None:
    if value < minimum:
        return f"must be at least {minimum}"
    if value > maximum:
        return f"must be at most {maximum}"
    return None


def finite_problem(value: float) -> str | None:
    if not math.isfinite(value):
        return "not a finite number (too large once converted, or inf/nan)"
    return None


def uncertainty_problem(u_abs: float, u_rel: float) -> str | None:
    """U(x) = a + b·|x| with a = b = 0 claims a perfect standard."""
    if u_abs == 0 and u_rel == 0:
        return "an expanded uncertainty of zero: no metrology standard has U = 0"
    return None


# --- raising forms, for the entities ----------------------------------------------------------


def text(field: str, value: str, max_len: int, *, required: bool = True) -> str:
    if not isinstance(value, str):
        raise InvalidField(field, value, "must be text")
    if required and not value.strip():
        raise InvalidField(field, value, "required, but empty")
    why = text_problem(value, max_len)
    if why:
        raise InvalidField(field, value if len(value) <= 80 else value[:80] + "…", why)
    return value


def optional_text(field: str, value: str | None, max_len: int) -> str | None:
    if value is None:
        return None
    return text(field, value, max_len, required=False)


def integer(field: str, value: int, *, minimum: int, maximum: int = MAX_INT) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidField(field, value, "must be a whole number")
    why = integer_problem(value, minimum, maximum)
    if why:
        raise InvalidField(field, value, why)
    return value


def number(field: str, value: float, *, minimum: float | None = None) -> float:
    """A finite float; ``minimum`` (inclusive) for differences such as an MPE."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidField(field, value, "must be a number")
    why = finite_problem(float(value))
    if why:
        raise InvalidField(field, value, why)
    if minimum is not None and value < minimum:
        raise InvalidField(field, value, f"must not be below {minimum:g}")
    return float(value)


def positive(field: str, value: float) -> float:
    """A positive finite number, such as a coverage factor k."""
    number(field, value)
    if not value > 0:
        raise InvalidField(field, value, "must be positive")
    return float(value)


def choice(field: str, value: str, allowed: Collection[str]) -> str:
    if value not in allowed:
        raise InvalidField(field, value, f"must be one of {', '.join(allowed)}")
    return value


def day(field: str, value: date) -> date:
    if not isinstance(value, date):
        raise InvalidField(field, value, "must be a date")
    return value


def region(field: str, value: str) -> str:
    if len(value) != REGION_LEN or not value.isascii() or not value.isdigit():
        raise InvalidField(field, value, "must be a 6-digit administrative division code")
    return value


def value_range(range_min: float, range_max: float) -> None:
    number("range_min", range_min)
    number("range_max", range_max)
    if range_min > range_max:
        raise InvalidField("range_min", range_min, f"greater than range_max {range_max!r}")


# --- quantities as given (text) → canonical floats ------------------------------------------


def quantity(field: str, given: str, kind: str, *, difference: bool = False) -> float:
    """The canonical magnitude of ``given`` ("0.02 kPa") for quantity kind ``kind``."""
    from metro.units import canonical  # the one registry; imported late to keep this light

    text(field, given, GIVEN_LEN)
    try:
        value = canonical(given, kind, difference=difference)
    except InvalidInput as exc:
        raise InvalidField(field, given, str(exc)) from None
    why = finite_problem(value)
    if why:
        raise InvalidField(field, given, why)
    if difference and value < 0:
        raise InvalidField(field, given, "must not be negative")
    return value


def fraction(field: str, given: str) -> float:
    """A relative value ("0.05 %", "20 ppm", "0.0005") as a non-negative fraction."""
    from metro.units import relative

    text(field, given, GIVEN_LEN)
    try:
        value = relative(given)
    except InvalidInput as exc:
        raise InvalidField(field, given, str(exc)) from None
    why = finite_problem(value)
    if why:
        raise InvalidField(field, given, why)
    if value < 0:
        raise InvalidField(field, given, "must not be negative")
    return value


def as_log(obj: object) -> dict[str, object]:
    """An entity's fields as the change log keeps them: JSON values, dates as ISO text."""
    from dataclasses import fields as dc_fields

    out: dict[str, object] = {}
    for fld in dc_fields(obj):  # type: ignore[arg-type]
        v = getattr(obj, fld.name)
        if isinstance(v, date):
            v = v.isoformat()
        elif isinstance(v, tuple):
            v = [x if isinstance(x, str | int | float) else as_log(x) for x in v]
        out[fld.name] = v
    return out


def span_and_mpe(
    kind: str, *, range_min: str, range_max: str, mpe_abs: str | None, mpe_rel: str | None
) -> dict[str, object]:
    """The range and MPE of an instrument or a demand item of ``kind``, as given and in
    canonical units (the range as absolute values, the MPE as a difference): the keyword
    arguments both constructors share."""
    from metro.quantity_kinds import kinds

    choice("quantity", kind, kinds())
    return {
        "quantity": kind,
        "range_min_given": range_min,
        "range_max_given": range_max,
        "mpe_abs_given": mpe_abs or None,
        "mpe_rel_given": mpe_rel or None,
        "range_min": quantity("range_min", range_min, kind),
        "range_max": quantity("range_max", range_max, kind),
        "mpe_abs": quantity("mpe_abs", mpe_abs, kind, difference=True) if mpe_abs else 0.0,
        "mpe_rel": fraction("mpe_rel", mpe_rel) if mpe_rel else 0.0,
    }


class SpanAndMpe(Protocol):
    """An instrument or a demand item (frozen dataclasses: read-only attributes)."""

    @property
    def quantity(self) -> str: ...
    @property
    def range_min_given(self) -> str: ...
    @property
    def range_max_given(self) -> str: ...
    @property
    def mpe_abs_given(self) -> str | None: ...
    @property
    def mpe_rel_given(self) -> str | None: ...
    @property
    def range_min(self) -> float: ...
    @property
    def range_max(self) -> float: ...
    @property
    def mpe_abs(self) -> float: ...
    @property
    def mpe_rel(self) -> float: ...


def check_span_and_mpe(entity: SpanAndMpe) -> None:
    """The checks an instrument and a demand item share: known kind, texts within their column
    sizes, range_min ≤ range_max, an MPE ≥ 0 with an absolute or a relative part."""
    from metro.quantity_kinds import kinds

    choice("quantity", entity.quantity, kinds())
    text("range_min", entity.range_min_given, GIVEN_LEN)
    text("range_max", entity.range_max_given, GIVEN_LEN)
    optional_text("mpe_abs", entity.mpe_abs_given, GIVEN_LEN)
    optional_text("mpe_rel", entity.mpe_rel_given, GIVEN_LEN)
    value_range(entity.range_min, entity.range_max)
    number("mpe_abs", entity.mpe_abs, minimum=0)
    number("mpe_rel", entity.mpe_rel, minimum=0)
    if not entity.mpe_abs_given and not entity.mpe_rel_given:
        raise InvalidField(
            "mpe_abs", "", "a maximum permissible error: give mpe_abs, mpe_rel or both"
        )
