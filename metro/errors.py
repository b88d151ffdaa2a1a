"""Domain errors: a message and an HTTP-ish status, no HTTP imports.

The API maps every ``MetroError`` to an RFC 9457 problem+json response; the CLI prints the
message on stderr and exits 1. Errors that are also a built-in kind inherit it (as pint does),
so ``except ValueError`` keeps working for callers that do not know metro.
"""

from __future__ import annotations


class MetroError(Exception):
    """Base of every domain error."""

    status: int = 400
    title: str = "Bad request"

    _message: str | None = None

    # A property, not an attribute set in __init__: with ValueError first in the MRO of
    # subclasses, MetroError.__init__ would never run.
    @property
    def message(self) -> str:
        if self._message is not None:
            return self._message
        return str(self.args[0]) if self.args else self.title

    @message.setter
    def message(self, value: str) -> None:
        self._message = value


class InvalidInput(ValueError, MetroError):
    """A value given by a user (file, request, argument) cannot be accepted."""

    status = 422
    title = "Invalid input"


class NotFound(LookupError, MetroError):
    """A named object does not exist."""

    status = 404
    title = "Not found"


class Conflict(MetroError):
    """The request contradicts what is stored."""

    status = 409
    title = "Conflict"
