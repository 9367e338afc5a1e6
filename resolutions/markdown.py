"""Markdown for the texts of a Vorlage (Sachverhalt, Beschlussvorschlag, financial impact).

Clerks write Markdown; the page shows HTML. Markdown passes raw HTML through, so the output
is sanitised with nh3 against a short allow-list before it is marked safe: nothing a clerk
(or an imported OParl record) types can run script in a reader's browser.
"""

import re

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "ul",
        "ol",
        "li",
        "em",
        "strong",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
        "code",
        "pre",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
# sane_lists keeps "1." and "-" lists apart as a clerk expects; tables suit a cost breakdown.
EXTENSIONS = ["sane_lists", "tables"]
# The page has its own h1 and h2; a clerk's "#" and "##" headings nest below them.
TOP_HEADING = re.compile(r"<(/?)h([12])>")


def render_markdown(text: str) -> SafeString:
    """Turn a clerk's Markdown into sanitised HTML that is safe to put into a page."""
    if not text:
        return mark_safe("")
    html = markdown_lib.markdown(text, extensions=EXTENSIONS, output_format="html")
    html = TOP_HEADING.sub(lambda match: f"<{match[1]}h{int(match[2]) + 2}>", html)
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # safe: nh3 has just sanitised it
