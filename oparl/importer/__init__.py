"""The OParl importer: another system's OParl 1.0 or 1.1 data becomes Ratsbuch's, keyed by its OParl ids.

- `client`: HTTP with retries, paged lists, file bytes; its `get` can be replaced (tests, saved crawls);
- `crawl`: every object of a body, embedded or listed or only referred to, flattened;
- `mapping`: the readers every type shares: texts, dates, flags, type names, references (`Refs`), OParl 1.0;
- `vocabularies`: OParl's free-text words (organizationType, gender, role, result, paperType) as our choices;
- `council_fields`: the fields of Body, LegislativeTerm, Location, Organization, Person, Membership, Meeting,
  AgendaItem;
- `paper_fields`: the fields of Paper and Consultation, and a decision's votes;
- `run`: the import run, type by type, each object in its own savepoint, its counts and problems;
- `records`: what became of each OParl id, and the resolving, saving and deleting every type shares;
- `council_objects`: writing Body, LegislativeTerm, Location, Organization, Person, Membership, Meeting, AgendaItem;
- `papers`: writing Paper, Consultation and decisions, and the Vorlage's state that follows from them;
- `files`: downloading, checking and storing Files as attachments;
- `store`: what a run remembers of every object, in a throwaway SQLite file (memory flat in the number of objects).

`manage.py import_oparl <url>` runs it; see oparl/README.md, "Importing".
"""
