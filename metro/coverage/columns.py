"""Column tables: dataclasses whose fields are equal-length columns (numpy arrays or lists).

Demand items and candidates are both held this way; ``concat`` and ``take`` work the same on
either, row i being element i of every column.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

import numpy as np
import numpy.typing as npt


class Columns:
    """Mixin for a dataclass of columns."""

    __dataclass_fields__: dict[str, Any]

    def concat(self, other: Self) -> Self:
        """These rows, then ``other``'s."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            mine, theirs = getattr(self, name), getattr(other, name)
            out[name] = (
                np.concatenate([mine, theirs]) if isinstance(mine, np.ndarray) else [*mine, *theirs]
            )
        return type(self)(**out)

    def take(self, index: Sequence[int] | npt.NDArray[np.int64]) -> Self:
        """The rows at ``index`` (in that order)."""
        ix = np.asarray(index, dtype=np.int64)
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            col = getattr(self, name)
            out[name] = col[ix] if isinstance(col, np.ndarray) else [col[i] for i in ix]
        return type(self)(**out)
