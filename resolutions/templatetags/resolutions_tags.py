"""Template filters and tags for the pages of Vorlagen: `{% load resolutions_tags %}`."""

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from resolutions import attachments
from resolutions.markdown import render_markdown
from resolutions.models import Paper

register = template.Library()

# Bootstrap colours of the state badge, so a reader can tell a draft from a decision at a glance.
STATE_BADGE_CLASSES = {
    Paper.State.DRAFT: "text-bg-secondary",
    Paper.State.COSIGNING: "text-bg-warning",
    Paper.State.RELEASED: "text-bg-primary",
    Paper.State.IN_CONSULTATION: "text-bg-info",
    Paper.State.DECIDED: "text-bg-success",
    Paper.State.WITHDRAWN: "text-bg-dark",
}


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Render a clerk's Markdown as sanitised HTML: `{{ paper.explanation|markdown }}`."""
    return render_markdown(text)


@register.filter
def state_badge_class(state: str) -> str:
    """The Bootstrap badge class for a Vorlage state."""
    return STATE_BADGE_CLASSES.get(state, "text-bg-light")


# A file's type as it is shown (short) and as a screen reader reads it (in words), by MIME type.
FILE_TYPES = {
    attachments.PDF: ("PDF", _("PDF document")),
    attachments.ODT: ("ODT", _("OpenDocument text")),
    attachments.ODS: ("ODS", _("OpenDocument spreadsheet")),
    attachments.DOCX: ("DOCX", _("Word document")),
    attachments.XLSX: ("XLSX", _("Excel spreadsheet")),
    attachments.PNG: ("PNG", _("PNG image")),
    attachments.JPEG: ("JPEG", _("JPEG image")),
}


def file_size_words(size: int) -> tuple[str, str]:
    """A size in bytes as it is shown ("1,2 MB") and as it is read ("1,2 megabytes"), in the active language."""
    if size < 1024:
        words = ngettext("%(size)s byte", "%(size)s bytes", size) % {"size": size}
        return words, words
    factor, short = next(unit for unit in ((1024**3, "GB"), (1024**2, "MB"), (1024, "KB")) if size >= unit[0])
    value = size / factor
    places = 1 if value < 10 else 0
    shown = number_format(round(value, places), places)
    count = 1 if shown in ("1", "1,0", "1.0") else 2
    if short == "GB":
        words = ngettext("%(size)s gigabyte", "%(size)s gigabytes", count)
    elif short == "MB":
        words = ngettext("%(size)s megabyte", "%(size)s megabytes", count)
    else:
        words = ngettext("%(size)s kilobyte", "%(size)s kilobytes", count)
    return f"{shown} {short}", words % {"size": shown}


@register.simple_tag
def file_facts(file) -> SafeString:
    """A file's type and size: short for the eye ("PDF, 1,2 MB"), in words for a screen reader.

    `{% file_facts attachment %}` for anything with `mime_type` and `size` (attachments,
    meeting documents).
    """
    short_type, type_words = FILE_TYPES.get(file.mime_type, (file.mime_type.rpartition("/")[2].upper(), _("file")))
    short_size, size_words = file_size_words(file.size)
    return format_html(
        '<span class="file-facts"><span aria-hidden="true">{}, {}</span>'
        '<span class="visually-hidden">{}, {}</span></span>',
        short_type,
        short_size,
        type_words,
        size_words,
    )
