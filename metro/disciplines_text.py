"""Labels of disciplines (JJF 1022 first-level codes) for messages."""

from __future__ import annotations

from typing import Literal

from metro.quantity_kinds import disciplines


def discipline_label(code: str, lang: Literal["zh", "en"]) -> str:
    d = disciplines().get(code)
    if d is None:
        return code
    return f"{code} {d.name_zh if lang == 'zh' else d.name_en}"
