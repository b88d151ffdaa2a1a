"""The served process keeps its long-lived heap out of the collector's full passes
(``api/heap.py``): frozen at start after the standards layer is built, frozen again after a
request that built a new layer, and left alone otherwise."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import heap
from api.app import create_app
from metro.traceability.cache import layers_built
from tests.api.conftest import make_api
from tests.conftest import Database


@pytest.fixture(autouse=True)
def _unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()


def test_freezes_again_only_after_a_new_layer(monkeypatch: pytest.MonkeyPatch) -> None:
    built = [3]
    monkeypatch.setattr(heap, "layers_built", lambda: built[0])
    freezer = heap.HeapFreezer()
    freezer.after_request()
    assert gc.get_freeze_count() == 0  # never frozen: a request alone does not start it
    freezer.freeze()
    frozen = gc.get_freeze_count()
    assert frozen > 0
    kept = [1, 2]  # built after the freeze: the collector still walks it
    freezer.after_request()  # no new layer: nothing moves
    assert gc.get_freeze_count() == frozen and _walked(kept)
    built[0] = 4  # a write changed the standards and a request built the new layer
    freezer.after_request()
    assert not _walked(kept)


def _walked(o: object) -> bool:
    """Is ``o`` among the objects the collector's passes visit (not frozen)?"""
    return any(x is o for x in gc.get_objects())


def test_a_served_app_builds_the_layer_at_start_and_freezes(
    db: Database, tmp_path: Path
) -> None:
    api = make_api(db, tmp_path)
    before = layers_built()
    with TestClient(create_app(db.engine, clock=api.clock, serving=True)) as client:
        assert layers_built() == before + 1
        assert gc.get_freeze_count() > 0
        assert client.get("/api/health").status_code == 200


def test_an_app_under_test_leaves_the_collector_alone(db: Database, tmp_path: Path) -> None:
    api = make_api(db, tmp_path)
    before = layers_built()
    with TestClient(create_app(db.engine, clock=api.clock)) as client:
        assert client.get("/api/health").status_code == 200
    assert layers_built() == before and gc.get_freeze_count() == 0
