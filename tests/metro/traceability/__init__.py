"""Tests of the traceability engine (metro/traceability)."""
