"""THE scoping policy (DESIGN.md "Scoping"): what each role may read, decided here only.

* ``admin`` and ``bureau`` read everything.
* A ``lab`` reads its own standards (and any asset it owns), the certificates it issued and
  those of its own assets, and the assets it has certified (any certificate it issued names
  the asset as subject — a customer brought it).
* An ``enterprise`` reads its own instruments and standards, their certificates and their
  chains; in a chain, the links above whose subject is another organization's show the
  codes, names, issuers and dates only (:func:`redact_chain`).
* Another organization's object answers **404 with the same message as a missing one**, on
  reads and writes alike, so existence does not leak. A route meant for other roles
  (coverage for the bureau) answers 403: it names no object.

Writes are scoped again by the services (``require_reach``): a lab records certificates as its
own organization, an enterprise registers its own instruments.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import Connection

from metro.errors import MetroError, NotFound
from metro.model.account import Principal
from metro.repositories import scope

# The fields of a chain link that another organization's link keeps.
_PUBLIC_LINK_FIELDS: Final = (
    "certificate",
    "subject",
    "references",
    "issuer",
    "calibrated_on",
    "valid_until",
    "depth",
    "used_by",
)


class Forbidden(MetroError):
    """The route is for other roles (it names no object, so this is not a 404)."""

    status = 403
    title = "Forbidden"


def asset_not_found(code: str) -> NotFound:
    return NotFound(f"asset {code!r}: no standard or instrument with this code")


def require_role(principal: Principal, *roles: str) -> None:
    if principal.role not in roles:
        raise Forbidden(
            f"this route is for {', '.join(roles)}; you are signed in as {principal.role}"
        )


def readable_asset(conn: Connection, principal: Principal, code: str) -> scope.AssetRef:
    """The asset, when the principal may read it; otherwise the same 404 as a missing one."""
    ref = scope.asset(conn, code)
    if ref is None:
        raise asset_not_found(code)
    return require_readable(conn, principal, ref, code)


def require_readable(
    conn: Connection, principal: Principal, ref: scope.AssetRef, code: str
) -> scope.AssetRef:
    """``ref`` (the asset ``code``, found), when the principal may read it; else a 404."""
    if principal.sees_everything or ref.owner == principal.organization:
        return ref
    if principal.role == "lab" and scope.certified_by(conn, principal.organization_id, ref):
        return ref
    raise asset_not_found(code)


def writable_asset(conn: Connection, principal: Principal, code: str) -> scope.AssetRef:
    """An asset the principal may change: its own (the bureau and admins: any)."""
    ref = scope.asset(conn, code)
    if ref is None or not (principal.sees_everything or ref.owner == principal.organization):
        raise asset_not_found(code)
    return ref


def certificate_not_found(issuer: str, number: str) -> NotFound:
    return NotFound(f"certificate {issuer}#{number}: not found")


def readable_certificate(conn: Connection, principal: Principal, issuer: str, number: str) -> None:
    parties = scope.certificate_parties(conn, issuer, number)
    if parties is None:
        raise certificate_not_found(issuer, number)
    if principal.sees_everything or principal.organization in parties:
        return
    raise certificate_not_found(issuer, number)


def owner_filter(principal: Principal, owner: str | None) -> str | None:
    """The owner a list is restricted to: enterprises see their own only (another → 404)."""
    if principal.sees_everything:
        return owner
    if principal.role == "enterprise":
        if owner not in (None, principal.organization):
            raise NotFound(f"owner {owner!r}: unknown organization code")
        return principal.organization
    # A lab: its own, or (no owner named) every asset it may read.
    if owner not in (None, principal.organization):
        raise NotFound(f"owner {owner!r}: unknown organization code")
    return owner


def readable_instrument_ids(conn: Connection, principal: Principal) -> list[int] | None:
    """Instrument ids a list may show (None: no restriction beyond the owner filter)."""
    if principal.role == "lab":
        return scope.certified_instruments(conn, principal.organization_id)
    return None


def may_see_full_link(principal: Principal, subject_owner: str | None, issuer: str) -> bool:
    return principal.sees_everything or principal.organization in (subject_owner, issuer)


def redact_chain(conn: Connection, principal: Principal, chain: dict[str, Any]) -> dict[str, Any]:
    """A chain as the principal may see it: other organizations' links reduced to their
    codes, issuers and dates."""
    if principal.sees_everything:
        return chain
    links = chain.get("links", [])
    owner = scope.owners(conn, {link["subject"] for link in links})
    shown = []
    for link in links:
        if may_see_full_link(principal, owner.get(link["subject"]), link["issuer"]):
            shown.append(link)
        else:
            shown.append({k: link[k] for k in _PUBLIC_LINK_FIELDS if k in link})
    return {**chain, "links": shown}


def impact_allowed(conn: Connection, principal: Principal, standard: str) -> None:
    """The bureau reads any impact report; a lab those of its own standards; others none."""
    if principal.sees_everything:
        return
    if principal.role != "lab":
        raise Forbidden("impact reports are for the bureau and for labs on their own standards")
    ref = scope.asset(conn, standard)
    if ref is None or ref.kind != "standard" or ref.owner != principal.organization:
        raise asset_not_found(standard)
