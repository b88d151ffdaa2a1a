"""The PTB DCC schemas, offline: parse a file safely, find its version, validate it.

The XSDs ship in ``metro/data/dcc/`` (LGPL, see the README there): DCC 3.1.1, 3.1.2 and 3.2.0,
which all import D-SI 2.1.0; 3.2.0 also imports XML-DSig, which xmlschema ships. Their
``schemaLocation`` URLs are mapped to those local files and xmlschema is told to read only local
files, so a validation never goes on the network. Each schema is built once per process (~0.5 s).

Every problem is one line naming the line of the file, the element path and the schema rule
(the XSD type and the facet or content model it breaks). Parsing refuses DTDs' entities and
network access (a DCC is data from outside).

Two validators of the same local XSDs: **xmlschema** reads incoming files (its errors name the
XSD type, facet or content model: the one-line messages above); **libxml2** (lxml's
``XMLSchema``, :func:`libxml2_errors`) checks what metro writes, because it is ~300 times
faster (0.15 ms against 46 ms a certificate, bench/dcc.py) and export runs over 10⁴ files. The
test suite validates exported files with xmlschema too, so the two are cross-checked.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Final

import xmlschema
from lxml import etree

from metro.dcc.errors import DccInvalid, DccIssue

DCC_NS: Final = "https://ptb.de/dcc"
SI_NS: Final = "https://ptb.de/si"
DSIG_NS: Final = "http://www.w3.org/2000/09/xmldsig#"
XSI_NS: Final = "http://www.w3.org/2001/XMLSchema-instance"
VERSIONS: Final = ("3.1.1", "3.1.2", "3.2.0")
DEFAULT_VERSION: Final = "3.2.0"
MAX_ISSUES: Final = 50

_DATA: Final = Path(__file__).resolve().parent.parent / "data" / "dcc"
_DSIG: Final = (
    Path(xmlschema.__file__).resolve().parent / "schemas" / "DSIG" / "xmldsig-core-schema.xsd"
)
_LOCAL: Final = {
    "https://ptb.de/si/v2.1.0/SI_Format.xsd": (_DATA / "dsi_2_1_0.xsd").as_uri(),
    "https://www.w3.org/TR/xmldsig-core/xmldsig-core-schema.xsd": _DSIG.as_uri(),
}
_RULES: Final = {
    "XsdPatternFacets": "xs:pattern",
    "XsdEnumerationFacets": "xs:enumeration",
    "XsdMinLengthFacet": "xs:minLength",
    "XsdMaxLengthFacet": "xs:maxLength",
    "XsdElement": "xs:element",
    "XsdAttribute": "xs:attribute",
    "XsdAttributeGroup": "xs:attribute",
    "XsdAnyElement": "xs:any",
}


def _local(uri: str) -> str:
    return _LOCAL.get(uri, uri)


@cache
def schema(version: str) -> xmlschema.XMLSchema10:
    """The DCC schema of ``version`` (one of :data:`VERSIONS`), built once, offline."""
    if version not in VERSIONS:
        raise ValueError(f"no DCC schema {version!r}")
    path = _DATA / f"dcc_{version.replace('.', '_')}.xsd"
    return xmlschema.XMLSchema10(str(path), uri_mapper=_local, allow="local")


class _LocalSchemas(etree.Resolver):
    """libxml2's resolver for the XSD imports: the packaged files, never the network."""

    def resolve(self, system_url: str, public_id: str, context: Any) -> Any:
        local = _LOCAL.get(system_url)
        return self.resolve_filename(local.removeprefix("file://"), context) if local else None


@cache
def libxml2_schema(version: str) -> Any:
    """The DCC schema of ``version`` compiled by libxml2 (lxml), offline, built once."""
    if version not in VERSIONS:
        raise ValueError(f"no DCC schema {version!r}")
    parser = etree.XMLParser(no_network=True, load_dtd=False, resolve_entities=False)
    parser.resolvers.add(_LocalSchemas())
    path = _DATA / f"dcc_{version.replace('.', '_')}.xsd"
    return etree.XMLSchema(etree.parse(str(path), parser))


def libxml2_errors(root: Any, version: str) -> list[str]:
    """libxml2's messages for ``root`` against the DCC schema (empty when valid)."""
    xsd = libxml2_schema(version)
    if xsd.validate(root):
        return []
    return [f"line {e.line}: {e.message}" for e in xsd.error_log]


_PARSER: Final = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False
)


def parse(data: bytes, *, source: str = "file") -> Any:
    """The root element of a DCC file; ``DccInvalid`` naming the line when not well-formed."""
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else None)
        msg = exc.msg or str(exc)
        raise DccInvalid(
            f"{source}: not well-formed XML", [DccIssue(line, "", f"{msg} (XML 1.0 syntax)")]
        ) from None
    return root


def version_of(root: Any, *, source: str = "file") -> str:
    """The file's ``schemaVersion`` when it is a DCC of a version metro reads."""
    tag = etree.QName(root)
    if tag.namespace != DCC_NS or tag.localname != "digitalCalibrationCertificate":
        raise DccInvalid(
            f"{source}: not a DCC",
            [
                DccIssue(
                    root.sourceline,
                    f"/{tag.localname}",
                    f"the root element must be dcc:digitalCalibrationCertificate in {DCC_NS}, "
                    f"found {{{tag.namespace}}}{tag.localname}",
                )
            ],
        )
    version = root.get("schemaVersion")
    if version not in VERSIONS:
        raise DccInvalid(
            f"{source}: DCC version not supported",
            [
                DccIssue(
                    root.sourceline,
                    "/dcc:digitalCalibrationCertificate/@schemaVersion",
                    f"schemaVersion={version!r}; metro reads {', '.join(VERSIONS)}",
                )
            ],
        )
    return version


def _rule(validator: Any) -> str:
    kind = type(validator).__name__
    rule = _RULES.get(kind)
    if kind == "XsdGroup":
        rule = f"xs:{getattr(validator, 'model', 'group')}"
    owner = getattr(getattr(validator, "parent", None), "prefixed_name", None) or getattr(
        validator, "prefixed_name", None
    )
    rule = rule or kind
    return f"{owner} {rule}" if owner else rule


def issues(root: Any, version: str) -> list[DccIssue]:
    """Every schema problem of the file (at most :data:`MAX_ISSUES`), in document order."""
    out: list[DccIssue] = []
    for err in schema(version).iter_errors(root):
        reason = (err.reason or err.message).strip().rstrip(".")
        if isinstance(err.obj, str | int | float):  # a text or attribute value: name it
            reason = f"{err.obj!r}: {reason}"
        out.append(
            DccIssue(err.sourceline, err.path or "", f"{reason} (rule: {_rule(err.validator)})")
        )
        if len(out) >= MAX_ISSUES:
            break
    out.sort(key=lambda i: i.line or 0)
    return out


def validate(root: Any, version: str, *, source: str = "file") -> None:
    """``DccInvalid`` listing every problem when the file does not validate against its XSD."""
    found = issues(root, version)
    if found:
        raise DccInvalid(
            f"{source}: not valid against the DCC {version} schema: {len(found)} problem(s)",
            found,
        )
