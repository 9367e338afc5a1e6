"""Forms of Vorlagen, split by concern like the views that use them.

- `drafting`: the text of a Vorlage, its Beratungsfolge, its attachments;
- `workflow`: a step on the path (comment, co-signers) and the choice of two versions;
- `agenda`: the council office's agenda builder and the result of an item with its votes.
"""
