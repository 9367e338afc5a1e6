"""The type and size of a file as the eye reads them and as a screen reader reads them."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from resolutions.templatetags.resolutions_tags import file_facts, file_size_words


@pytest.mark.parametrize(
    ("size", "shown", "words"),
    [
        (1_258_291, "1,2 MB", "1,2 Megabyte"),
        (52_000, "51 KB", "51 Kilobyte"),
        (900, "900 Bytes", "900 Bytes"),
        (1, "1 Byte", "1 Byte"),
    ],
)
def test_sizes_are_read_in_words(size, shown, words):
    with translation.override("de"):
        assert file_size_words(size) == (shown, words)


def test_english_sizes_have_english_words():
    with translation.override("en"):
        assert file_size_words(3 * 1024 * 1024) == ("3.0 MB", "3.0 megabytes")


def test_the_screen_reader_hears_the_words_and_the_eye_sees_the_abbreviation():
    pdf = SimpleNamespace(mime_type="application/pdf", size=1_258_291)
    with translation.override("de"):
        html = str(file_facts(pdf))
    assert '<span aria-hidden="true">PDF, 1,2 MB</span>' in html
    assert '<span class="visually-hidden">PDF-Dokument, 1,2 Megabyte</span>' in html


def test_an_unknown_type_is_named_by_its_subtype():
    with translation.override("de"):
        html = str(file_facts(SimpleNamespace(mime_type="text/csv", size=2048)))
    assert "CSV, 2,0 KB" in html and "CSV" in html
