"""Coverage of the 95 % traceability need (社会公用计量标准满足量传溯源需求的比例).

Do the social public standards meet at least 95 % of society's need for traceability? The rules
(adequacy, examination validity, status words, gap reasons) live in :mod:`metro.model`; this
package applies them to demand items in bulk. One module per concept:

- :mod:`~metro.coverage.demand`: demand items (registered, or derived from instruments);
- :mod:`~metro.coverage.candidates`: public standards' capabilities, checks 4 and 5 at t;
- :mod:`~metro.coverage.status`: the seam to the traceability engine (status words);
- :mod:`~metro.coverage.matching`: the five checks, vectorized per kind;
- :mod:`~metro.coverage.gaps`: uncovered items, their reason and closest candidate;
- :mod:`~metro.coverage.report`: rates overall and by discipline, region and quantity;
- :mod:`~metro.coverage.proposals` and :mod:`~metro.coverage.planner`: the what-if planner;
- :mod:`~metro.coverage.snapshots`: stored coverage and its trend;
- :mod:`~metro.coverage.files`: CSV, XLSX and chart report files;
- :mod:`~metro.coverage.service`: the engine's reads of the database (the feature service the
  entry points call is :mod:`metro.services.coverage`).
"""
