"""The model: persistence-free, self-validating domain types and the one home of each rule.

The first of metro's three rings (model → repositories → services). Nothing here imports
SQLAlchemy, the repositories or the services; every other module calls the rule's home instead
of restating it.

=====================  ======================================================================
module                 what it holds
=====================  ======================================================================
``fields``             the field checks every entity shares: column sizes, 2³¹−1, NUL, finite
                       numbers, U = 0 refused (one check, raising and reason forms)
``organization``       ``Organization`` (code, name, kind, region)
``standard``           ``Standard`` (level, examination certificate of public standards,
                       status); ``capability()`` builds a ``CapabilityRow`` from given values
``instrument``         ``Instrument`` (kind, range, MPE, mandatory, usage, interval_months)
``certificate``        ``Certificate`` and ``ResultPoint``; a verification concludes pass or
                       fail; valid_until; not dated after recording; an issued certificate is
                       never edited (``issued_difference``, ``edit_refusal``)
``demand``             ``Demand`` (kind, range, required MPE, region, count, priority field)
``intervals``          calibration intervals: as-found result, A1 staircase, A3 interval test
                       (Clopper–Pearson), S1 maximum likelihood, clamping, ``Proposal``
``levels``             the hierarchy's levels and their rank; ``stands_above`` (a reference
                       stands strictly above its subject); ``PUBLIC_LEVELS``
``capability``         ``CapabilityRow`` (the one capability type: kind, range, U, k, and the
                       standard's facts coverage reads) and ``InstrumentRow``, self-validating
``adequacy``           the adequacy rule: ``Need``, ``meets`` (scalar) and ``meets_arrays``
                       (numpy) from one definition and one ``TOLERANCE``;
                       ``adequate_for_instrument`` (providers)
``examination``        examination certificate valid on a day (``window``, ``exam_state``;
                       undated = never valid); ``StandardRow``
``validity``           a certificate's last day in force (``valid_until``, else the interval
                       kept with an instrument's certificate), scalar and array; ``CertificateRow``
``statuses``           status words and their order (``Status``, ``ORDER``, ``CODE``),
                       ``TRACEABLE_STATUSES``, ``DEFAULT_LEAD_DAYS``
``gaps``               gap reasons of an uncovered demand item and the scores of the five
                       coverage checks (``REASONS``, ``reason_for``)
=====================  ======================================================================
"""
