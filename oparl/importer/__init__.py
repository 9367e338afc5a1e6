"""The OParl importer: another system's OParl 1.0 or 1.1 data becomes Ratsbuch's, keyed by its OParl ids.

- `client`: HTTP with retries, paged lists, file bytes; its `get` can be replaced (tests, saved crawls);
- `crawl`: every object of a body, embedded or listed or only referred to, flattened;
- `mapping`: an OParl object's values as our model's fields;
- `run`: the import run, type by type, each object in its own savepoint.

`manage.py import_oparl <url>` runs it; see oparl/README.md, "Importing".
"""
