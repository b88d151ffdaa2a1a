"""An organization: the bureau, the national institute (nmi), institutes, labs, enterprises.

Its code is its natural key everywhere (bundle, API, change log); ``region`` is the 6-digit
administrative division code of where it sits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from metro.model import fields as f

ORGANIZATION_KINDS: Final = ("bureau", "nmi", "institute", "lab", "enterprise")


@dataclass(frozen=True, slots=True)
class Organization:
    code: str
    name: str
    kind: str
    region: str

    def __post_init__(self) -> None:
        f.text("code", self.code, f.CODE_LEN)
        f.text("name", self.name, f.NAME_LEN)
        f.choice("kind", self.kind, ORGANIZATION_KINDS)
        f.region("region", self.region)
