"""The German catalogue is complete: every translatable string of the code has a German text."""

import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"


def _entries(po_text: str):
    """Yield (msgid, msgstr or plural forms, flags) of a .po file; the header is skipped."""
    for block in re.split(r"\n\s*\n", po_text):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields: dict[str, str] = {}
        key = None
        for line in lines:
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                fields[key] = match.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        if "msgid" not in fields or fields["msgid"] == "":
            continue
        translations = [value for name, value in fields.items() if name.startswith("msgstr")]
        yield fields["msgid"], translations, flags


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (Debian package gettext)")
# The catalogue does not depend on the database, and makemessages writes its temporary
# files next to the templates: CI runs the SQLite and the PostgreSQL suites side by side,
# so only the SQLite run reads the sources.
@pytest.mark.skipif(
    "postgresql" in settings.DATABASES["default"]["ENGINE"],
    reason="the catalogue is checked once, in the SQLite run",
)
def test_every_source_string_has_a_german_translation(tmp_path, settings):
    locale = tmp_path / "locale"
    shutil.copytree(CATALOGUE.parent.parent.parent, locale)
    settings.LOCALE_PATHS = [locale]

    call_command("makemessages", locale=["de"], ignore_patterns=[".venv/*", "staticfiles/*", "media/*"], verbosity=0)

    fresh = (locale / "de" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    missing = [msgid for msgid, texts, flags in _entries(fresh) if "fuzzy" in flags or not all(texts)]
    assert missing == [], f"{len(missing)} strings lack a German translation, e.g. {missing[:10]}"


def test_german_is_the_default_and_english_the_second_language():
    assert settings.LANGUAGE_CODE == "de"
    assert [code for code, _name in settings.LANGUAGES] == ["de", "en"]
    with translation.override("de"):
        assert translation.gettext("Vorlagen and decisions") != "Vorlagen and decisions"
