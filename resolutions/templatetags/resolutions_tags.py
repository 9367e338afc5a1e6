"""Template filters and tags for the pages of Vorlagen: `{% load resolutions_tags %}`."""

from django import template
from django.utils.safestring import SafeString

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
