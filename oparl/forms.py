"""The form of the OParl side: starting an import from the admin."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportStartForm(forms.Form):
    url = forms.URLField(
        label=_("endpoint"),
        max_length=1000,
        assume_scheme="https",
        help_text=_("The URL of the OParl System object, or of one Body."),
    )
    body = forms.CharField(
        label=_("body"), required=False, max_length=1000, help_text=_("Only the body with this OParl id (or AGS).")
    )
    full = forms.BooleanField(
        label=_("full import"), required=False, help_text=_("Read everything, whatever changed when.")
    )
    files = forms.BooleanField(
        label=_("download files"), required=False, initial=True, help_text=_("Download the files of Vorlagen.")
    )
