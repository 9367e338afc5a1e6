"""Pages of Vorlagen, split by concern; `resolutions.urls` imports them from here.

- `reading`: the list, one Vorlage as the document reads, its attachments' downloads;
- `drafting`: writing and editing a draft, its Beratungsfolge, preview, attachments;
- `workflow`: the path (submit, co-sign, return, release, withdraw), history, Meine Entwürfe.
"""
