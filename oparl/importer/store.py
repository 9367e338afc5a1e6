"""What a run must remember of every object, on disk: a SQLite file of its own beside the database.

A large council's history is hundreds of thousands of objects. Holding each in a dict (the
crawled objects, their parents, what became of each OParl id, the Vorlagen touched) made the
importer's memory grow by more than a kilobyte an object. Here those maps are tables of a
throwaway SQLite file (Python's own `sqlite3`, not the project's database: nothing here is kept
after the run, and reading it costs microseconds, not a round trip), so the memory a run needs
stays flat however large the body; SQLite's own page cache is bounded (`CACHE_KIB`).
"""

import datetime
import json
import shutil
import sqlite3
import tempfile
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

# SQLite's page cache for the store, in KiB (negative cache_size counts KiB).
CACHE_KIB = 2 * 1024
# Rows read at a time when a table is walked.
CHUNK = 500
# Records kept in memory as well, the most recently used (a bounded cache in front of the table).
RECENT = 2000
# Positions above this are "not in a body list": they sort after every listed object, as found.
UNLISTED = 1 << 40

_SCHEMA = """
CREATE TABLE objects (id TEXT PRIMARY KEY, type TEXT NOT NULL, ord INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX objects_type_ord ON objects (type, ord);
CREATE TABLE parents (child TEXT, parent_type TEXT, parent_id TEXT, field TEXT, position INTEGER,
                      PRIMARY KEY (child, parent_type));
CREATE TABLE wanted (id TEXT PRIMARY KEY, type TEXT NOT NULL, tried INTEGER NOT NULL DEFAULT 0);
CREATE TABLE aliases (id TEXT PRIMARY KEY, target TEXT NOT NULL);
CREATE TABLE records (id TEXT PRIMARY KEY, content_type INTEGER, object_id INTEGER, modified TEXT);
CREATE TABLE marks (name TEXT, key TEXT, value TEXT, PRIMARY KEY (name, key));
CREATE TABLE touched (pk INTEGER PRIMARY KEY);
"""


class Store:
    """A throwaway SQLite file; `close()` removes it."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="ratsbuch-import-")
        # One connection, used by the run's thread only (downloads in the pool never touch it).
        self.db = sqlite3.connect(Path(self.folder) / "run.sqlite3", isolation_level=None)
        # Nothing here must survive a crash: no journal, no syncing.
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def one(self, sql: str, params=()):
        return self.db.execute(sql, params).fetchone()

    def run(self, sql: str, params=()) -> None:
        self.db.execute(sql, params)

    def chunks(self, sql: str, params=(), *, key_index: int = 0) -> Iterator[list[tuple]]:
        """The rows of `sql` (which must end with `WHERE … AND <key> > ? ORDER BY <key> LIMIT ?`), a chunk at a time."""
        last = -(1 << 62)
        while True:
            rows = self.db.execute(sql, (*params, last, CHUNK)).fetchall()
            if not rows:
                return
            yield rows
            last = rows[-1][key_index]


class TypeList:
    """The objects of one type in the order they are imported, read from the store a chunk at a time."""

    def __init__(self, store: Store, kind: str):
        self.store, self.kind = store, kind

    def __len__(self) -> int:
        return self.store.one("SELECT count(*) FROM objects WHERE type = ?", (self.kind,))[0]

    def chunks(self) -> Iterator[list[dict]]:
        for rows in self.store.chunks(
            "SELECT ord, data FROM objects WHERE type = ? AND ord > ? ORDER BY ord LIMIT ?", (self.kind,)
        ):
            yield [json.loads(data) for _ord, data in rows]

    def __iter__(self) -> Iterator[dict]:
        for chunk in self.chunks():
            yield from chunk


class Marks:
    """A named map of text to text in the store (an agenda item's position, its consultation)."""

    def __init__(self, store: Store, name: str):
        self.store, self.name = store, name

    def get(self, key, default=None):
        if key is None:
            return default
        row = self.store.one("SELECT value FROM marks WHERE name = ? AND key = ?", (self.name, key))
        return json.loads(row[0]) if row else default

    def __contains__(self, key) -> bool:
        return self.get(key) is not None

    def __getitem__(self, key):
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __setitem__(self, key, value) -> None:
        self.store.run(
            "INSERT OR REPLACE INTO marks (name, key, value) VALUES (?, ?, ?)", (self.name, key, json.dumps(value))
        )

    def setdefault(self, key, value) -> None:
        if key is not None:
            self.store.run(
                "INSERT OR IGNORE INTO marks (name, key, value) VALUES (?, ?, ?)", (self.name, key, json.dumps(value))
            )

    def clear(self) -> None:
        self.store.run("DELETE FROM marks WHERE name = ?", (self.name,))


def _moment(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


class RecordMap:
    """OParl id → `Record` (what became of it here), in the store: the run's copy of `ImportedObject`."""

    def __init__(self, store: Store, record_type):
        self.store, self.record_type = store, record_type
        # The records read most (the organizations and the Vorlage every step refers to), bounded.
        self.recent: OrderedDict = OrderedDict()

    def load(self, rows) -> None:
        """Fill from (oparl_id, content_type_id, object_id, source_modified) rows, replacing what was there."""
        self.store.run("DELETE FROM records")
        self.recent.clear()
        batch = []
        for oparl_id, content_type, object_id, modified in rows:
            batch.append((oparl_id, content_type, object_id, modified.isoformat() if modified else None))
            if len(batch) >= CHUNK:
                self._insert(batch)
                batch = []
        self._insert(batch)

    def _insert(self, batch) -> None:
        if batch:
            self.store.db.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?)", batch)

    def get(self, oparl_id: str):
        if oparl_id in self.recent:
            self.recent.move_to_end(oparl_id)
            return self.recent[oparl_id]
        row = self.store.one("SELECT content_type, object_id, modified FROM records WHERE id = ?", (oparl_id,))
        record = self.record_type(row[0], row[1], _moment(row[2])) if row else None
        self._remember(oparl_id, record)
        return record

    def _remember(self, oparl_id: str, record) -> None:
        self.recent[oparl_id] = record
        if len(self.recent) > RECENT:
            self.recent.popitem(last=False)

    def __contains__(self, oparl_id: str) -> bool:
        return self.get(oparl_id) is not None

    def __setitem__(self, oparl_id: str, record) -> None:
        modified = record.source_modified.isoformat() if record.source_modified else None
        self._insert([(oparl_id, record.content_type_id, record.object_id, modified)])
        self._remember(oparl_id, record)

    def pop(self, oparl_id: str, default=None):
        record = self.get(oparl_id)
        self.store.run("DELETE FROM records WHERE id = ?", (oparl_id,))
        self.recent.pop(oparl_id, None)
        return record if record is not None else default

    def __len__(self) -> int:
        return self.store.one("SELECT count(*) FROM records")[0]


class PkSet:
    """A set of primary keys in the store (the Vorlagen whose state is to be worked out)."""

    def __init__(self, store: Store):
        self.store = store

    def add(self, pk: int) -> None:
        self.store.run("INSERT OR IGNORE INTO touched VALUES (?)", (pk,))

    def __len__(self) -> int:
        return self.store.one("SELECT count(*) FROM touched")[0]

    def chunks(self) -> Iterator[list[int]]:
        for rows in self.store.chunks("SELECT pk FROM touched WHERE pk > ? ORDER BY pk LIMIT ?"):
            yield [pk for (pk,) in rows]
