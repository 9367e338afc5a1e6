"""The path of a Vorlage (submit, co-sign, return, release, withdraw), its history, Meine Entwürfe."""
