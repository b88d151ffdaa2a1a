"""Who does something: the actor every service takes and the change log records.

An actor is a signed-in user (``user:NAME``), a machine client's API key (``key:PREFIX``), the
command line (``cli:LOGIN``), or metro itself (``system:load``, ``system:scheduler``). Its
organization and role decide what it may read and write (the policy lives with the API's
accounts); the domain only needs the name to log and, for scoped writes, the organization.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from metro.errors import InvalidInput

Role = Literal["admin", "bureau", "lab", "enterprise", "system"]
ROLES: Final = ("admin", "bureau", "lab", "enterprise")
_MAX_NAME: Final = 100  # change_log.actor is VARCHAR(100)


@dataclass(frozen=True, slots=True)
class Actor:
    """``name`` as logged; ``organization`` is a code (None for metro itself and the CLI)."""

    name: str
    role: Role = "system"
    organization: str | None = None

    def __post_init__(self) -> None:
        if not self.name or len(self.name) > _MAX_NAME or "\x00" in self.name:
            raise InvalidInput(
                f"actor {self.name!r}: must be 1 to {_MAX_NAME} characters without NUL"
            )
        if self.role not in (*ROLES, "system"):
            raise InvalidInput(f"actor role {self.role!r}: must be one of {', '.join(ROLES)}")

    @property
    def sees_everything(self) -> bool:
        """The bureau, admins and metro itself read every organization's objects."""
        return self.role in ("admin", "bureau", "system")


SYSTEM_LOAD: Final = Actor("system:load")
SYSTEM_SCHEDULER: Final = Actor("system:scheduler")


def cli_actor(login: str) -> Actor:
    """The command line acts for the operator at the shell, with the bureau's reach."""
    return Actor(f"cli:{login}"[:_MAX_NAME], role="system")
