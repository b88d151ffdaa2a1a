"""Deterministic generator of province bundles (``metro synth``).

``generate(out_dir, seed=..., instruments=...)`` writes the seven CSV files of DESIGN.md's data
contract: same seed, same arguments and same settings give byte-identical files. The settings
(``seed_data/hunan.toml`` by default) describe the province; ``instruments`` scales everything.

Modules: ``settings`` (TOML), ``scales`` (unit spellings and float conversions), ``dates``
(ordinal calendar), ``model`` (in-memory objects), ``organizations``, ``standards``,
``certificates`` (histories of standards), ``trace`` (the DESIGN rules), ``instruments``
(streamed), ``scenarios`` (scripted defects), ``demands`` (coverage design), ``writer`` (CSV),
``generate`` (orchestration).
"""

from metro.synth.generate import generate

__all__ = ["generate"]
