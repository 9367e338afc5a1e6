"""What changed between two saved versions of a Vorlage, for the version history page.

The versions are django-simple-history's rows (`paper.history`). Long texts are compared
line by line and, where lines were changed, word by word, so that a corrected comma in a
long Sachverhalt shows as one small change instead of a replaced paragraph. Every piece of
text is escaped before it is wrapped in <ins> or <del>; a clerk's text never becomes markup.
"""

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from resolutions.models import Paper

# The fields a reader compares, in the order of the printed Vorlage.
DIFF_FIELDS = (
    "name",
    "subject_line",
    "paper_type",
    "date",
    "explanation",
    "proposal_addressee",
    "proposal",
    "financial_impact",
    "public",
    "state",
)
# Compared line and word by line and word; the others are short and shown as old → new.
LONG_TEXT_FIELDS = frozenset({"explanation", "proposal", "financial_impact"})
# Short texts get a word diff too, shown beside the old and the new value.
SHORT_TEXT_FIELDS = frozenset({"name", "subject_line", "proposal_addressee"})

INS_CLASS = "bg-success-subtle text-success-emphasis"
DEL_CLASS = "bg-danger-subtle text-danger-emphasis"

_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class FieldChange:
    """One field that differs between two versions."""

    field: str
    label: str
    old: str
    new: str
    diff: SafeString  # the new text with insertions and deletions marked, escaped
    long: bool


def _escaped(text: str) -> str:
    return escape(text).replace("\n", "<br>\n")


def _ins(text: str) -> str:
    return f'<ins class="{INS_CLASS}">{_escaped(text)}</ins>' if text else ""


def _del(text: str) -> str:
    return f'<del class="{DEL_CLASS}">{_escaped(text)}</del>' if text else ""


def _word_diff(old: str, new: str) -> str:
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    parts = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        if tag == "equal":
            parts.append(_escaped(added))
        else:
            parts.append(_del(removed) + _ins(added))
    return "".join(parts)


def text_diff(old: str, new: str) -> SafeString:
    """Mark what changed from `old` to `new` with <ins> and <del>, everything else escaped.

    Lines first, then words within the changed lines: matching words across a whole long
    text would pair up common words ("die", "der") from unrelated paragraphs.
    """
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    parts = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if tag == "equal":
            parts.append(_escaped(added))
        elif tag == "replace":
            parts.append(_word_diff(removed, added))
        else:
            parts.append(_del(removed) + _ins(added))
    return mark_safe("".join(parts))  # every piece above went through escape()


def display_value(record, field: str) -> str:
    """A field of a historical Paper as a reader sees it: labels for choices, dates as dates."""
    value = getattr(record, field)
    if field in ("paper_type", "state"):
        return str(getattr(record, f"get_{field}_display")())
    if field == "date":
        return date_format(value, "DATE_FORMAT") if value else ""
    if field == "public":
        return _("public") if value else _("non-public")
    return value or ""


def field_label(field: str) -> str:
    return str(Paper._meta.get_field(field).verbose_name)


def compare_versions(old_record, new_record, fields: Iterable[str] = DIFF_FIELDS) -> list[FieldChange]:
    """The fields that differ from `old_record` to `new_record`, in the order of `fields`."""
    # Compared here rather than with simple_history's diff_against, which goes through
    # model_to_dict and so skips the non-editable `state`.
    changes = []
    for field in fields:
        if getattr(old_record, field) == getattr(new_record, field):
            continue
        old, new = display_value(old_record, field), display_value(new_record, field)
        textual = field in LONG_TEXT_FIELDS or field in SHORT_TEXT_FIELDS
        changes.append(
            FieldChange(
                field=field,
                label=field_label(field),
                old=old,
                new=new,
                diff=text_diff(old, new) if textual else mark_safe(_del(old) + " " + _ins(new)),
                long=field in LONG_TEXT_FIELDS,
            )
        )
    return changes
