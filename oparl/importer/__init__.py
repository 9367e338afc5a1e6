"""The OParl importer: another system's OParl 1.0 or 1.1 data becomes Ratsbuch's, keyed by its OParl ids.

- `client`: HTTP with retries, paged lists, file bytes; its `get` can be replaced (tests, saved crawls);
- `crawl`: every object of a body, embedded or listed or only referred to, flattened;
- `mapping`: an OParl object's values as our model's fields;
- `run`: the import run, type by type, each object in its own savepoint, its counts and problems;
- `records`: what became of each OParl id, and the resolving, saving and deleting every type shares;
- `council_objects`: writing Body, LegislativeTerm, Location, Organization, Person, Membership, Meeting, AgendaItem;
- `papers`: writing Paper, Consultation and decisions, and the Vorlage's state that follows from them;
- `files`: downloading, checking and storing Files as attachments.

`manage.py import_oparl <url>` runs it; see oparl/README.md, "Importing".
"""
