"""The importer's memory stays flat in the number of objects: what it keeps between objects is bounded.

Measured with tracemalloc, in bytes (never in time): what Python holds at the end of a run, just
before the Vorlagen's states are worked out (everything crawled and written is then in the
store or the database), for a small and a four times larger generated endpoint.
"""

import gc
import tracemalloc

import pytest

from oparl.importer import records, store
from oparl.importer.client import OParlClient
from oparl.importer.run import Importer, Options, import_oparl
from tests.oparl.endpoints import GeneratedEndpoint

# Generous: the dicts of the crawl and the records alone took about 1,600 bytes an object.
MAX_BYTES_PER_OBJECT = 250
CACHE = 50


def _retained(monkeypatch, papers: int) -> tuple[int, int, dict]:
    scale = papers / 4000
    endpoint = GeneratedEndpoint(papers=papers, persons=max(1, int(200 * scale)), meetings=max(1, int(500 * scale)))
    seen = {}
    states = Importer._paper_states

    def measured(importer):
        gc.collect()
        seen["bytes"] = tracemalloc.get_traced_memory()[0] - seen["start"]
        seen["instances"], seen["records"] = len(importer.instances), len(importer.records)
        seen["recent"] = len(importer.records.recent)
        seen["kept"], seen["total"] = len(importer.report.kept), importer.report.total
        return states(importer)

    monkeypatch.setattr(Importer, "_paper_states", measured)
    gc.collect()
    tracemalloc.start(1)
    try:
        seen["start"] = tracemalloc.get_traced_memory()[0]
        import_oparl(endpoint.url(""), client=OParlClient(get=endpoint.get), options=Options(files=False))
    finally:
        tracemalloc.stop()
    return endpoint.object_count, seen["bytes"], seen


@pytest.mark.django_db
def test_retained_memory_does_not_grow_with_the_number_of_objects(monkeypatch):
    monkeypatch.setattr(records, "INSTANCE_CACHE_SIZE", CACHE)
    monkeypatch.setattr(store, "RECENT", CACHE)
    _retained(monkeypatch, 5)  # once for what the first run of a process sets up (caches, imports)
    small_objects, small_bytes, _small = _retained(monkeypatch, 30)
    large_objects, large_bytes, large = _retained(monkeypatch, 120)

    per_object = (large_bytes - small_bytes) / (large_objects - small_objects)
    assert per_object < MAX_BYTES_PER_OBJECT, (small_objects, small_bytes, large_objects, large_bytes)
    # The maps that grow with the body are in the store, not in memory.
    assert large["instances"] <= CACHE
    assert large["recent"] <= CACHE
    assert large["records"] >= 0.9 * large_objects  # all but the files, which are not downloaded here
    assert large["kept"] == large["total"]  # a few problems, far below the bound
