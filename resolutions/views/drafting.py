"""Writing and editing a draft Vorlage, its Beratungsfolge and its attachments."""
