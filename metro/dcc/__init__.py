"""Digital calibration certificates (PTB DCC XML, D-SI units): one certificate out and in.

DESIGN.md "Digital calibration certificates". The entry points are the service
(:mod:`metro.services.dcc`: ``export``, ``understand``, ``import_dcc``), the CLI
(``metro dcc export|import``) and the API (``GET .../dcc``, ``POST /api/v1/certificates/dcc``).

=====================  ======================================================================
module                 what it holds
=====================  ======================================================================
``dsi_units``          D-SI unit strings ↔ metro's pint units: syntax check, prefixes,
                       powers, offsets, %RH, relative values, units with no D-SI form
``schemas``            the packaged XSDs (3.1.1, 3.1.2, 3.2.0 + D-SI 2.1.0), offline; safe
                       parsing; validation with one line per problem (line, path, rule)
``export``             one certificate → DCC 3.2.0 (the mapping table and its decisions),
                       validated before it is returned
``reader``             a DCC file → :class:`draft.DccDraft` (validated against its own
                       version; signatures read, never verified)
``draft``              what a DCC says, before metro identifies anything
``texts``              the zh/en texts metro writes
``errors``             ``DsiUnitError``, ``DccExportError``, ``DccInvalid``, ``DccUnmatched``
=====================  ======================================================================

The data it needs is read by :mod:`metro.repositories.dcc`; which certificate spoke for a
reference on the calibration day is :mod:`metro.traceability.speaking`'s rule.
"""
