"""The accessibility statement with its feedback form, the Leichte Sprache page, and the office's feedback inbox."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from council import services
from council.forms import AccessibilityFeedbackForm
from council.models import AccessibilityFeedback
from council.roles import office_required

FEEDBACK_THANKS_MESSAGE = _("Thank you. Your message has reached the council office.")


def _enforcement() -> dict:
    return {
        "name": settings.RATSBUCH_ENFORCEMENT_NAME,
        "address": settings.RATSBUCH_ENFORCEMENT_ADDRESS,
        "email": settings.RATSBUCH_ENFORCEMENT_EMAIL,
        "url": settings.RATSBUCH_ENFORCEMENT_URL,
    }


def statement(request):
    """The Erklärung zur Barrierefreiheit; POST sends its feedback form (anyone may).

    **Template:** :template:`council/accessibility_statement.html`

    **Context:** ``form`` (an :class:`~council.forms.AccessibilityFeedbackForm`, kept with its
    errors after a bad POST), ``statement_date``, ``enforcement`` (name, address, email, url of
    the enforcement body, from settings).
    """
    form = AccessibilityFeedbackForm(request.POST or None, initial={"page": request.GET.get("seite", "")})
    if request.method == "POST" and form.is_valid():
        if not form.is_spam():
            data = form.cleaned_data
            try:
                services.accessibility_feedback_submit(
                    message=data["message"], page=data["page"], name=data["name"], email=data["email"]
                )
            except ValidationError as error:
                form.add_error(None, error)
        if not form.errors:
            # A robot that filled the trap is thanked like anybody: it learns nothing.
            messages.success(request, FEEDBACK_THANKS_MESSAGE)
            return redirect("council:accessibility")
    context = {
        "form": form,
        "statement_date": datetime.date.fromisoformat(settings.RATSBUCH_ACCESSIBILITY_STATEMENT_DATE),
        "enforcement": _enforcement(),
    }
    return render(request, "council/accessibility_statement.html", context)


def easy_language(request):
    """What the site offers, in Leichte Sprache (German) or Easy Read (English).

    **Template:** :template:`council/easy_language.html`
    """
    return render(request, "council/easy_language.html")


@office_required
def feedback_list(request):
    """The messages sent through the accessibility statement's form, newest first (council office).

    **Model:** :model:`council.AccessibilityFeedback`

    **Template:** :template:`council/accessibility_feedback_list.html`

    **Context:** ``feedback`` (the last 200 messages).
    """
    feedback = AccessibilityFeedback.objects.all()[:200]
    return render(request, "council/accessibility_feedback_list.html", {"feedback": feedback})
