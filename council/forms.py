"""Forms of the council office: planning a meeting and recording who attended it.

The forms only parse input; `council.services` checks it again under the meeting's lock
and writes. Where a rule belongs to the service (the end after the start, at least one
Gremium), the form leaves the field optional so that the service's own words are shown.
"""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from council.meetings import EligibleAttendee
from council.models import Attendance, Body, Location, Meeting, Organization, Subscription

NAME_SUGGESTIONS_ID = "meeting-name-suggestions"


def meeting_name_suggestion(organization: Organization) -> str:
    """The usual name of a meeting of a Gremium, e.g. "Sitzung des Ausschusses für Soziales".

    Meeting names are data in the council's language, not interface text, so they are
    German and not translated. The head noun of a Gremium's name (…rat, …ausschuss) takes
    the genitive "-es"; any other name is put after a dash.
    """
    words = organization.name.split(" ")
    for index, word in enumerate(words):
        if word.lower().endswith(("ausschuss", "rat")):
            words[index] = f"{word}es"
            return "Sitzung des " + " ".join(words)
    return f"Sitzung – {organization.name}"


def meeting_organizations(body: Body, meeting: Meeting | None = None):
    """The Gremien a meeting may be of: the body's that exist today, and those it already has."""
    current = meeting.organizations.values("pk") if meeting is not None else []
    return (
        Organization.objects.committees()
        .filter(body=body)
        .filter(Q(pk__in=Organization.objects.active().values("pk")) | Q(pk__in=current))
        .order_by("name")
    )


class LocationChoiceField(forms.ModelChoiceField):
    """A place of the body, named with its room and address so that two halls are told apart."""

    def label_from_instance(self, obj: Location) -> str:
        room = obj.room if obj.room not in obj.description else ""
        details = [part for part in (room, obj.street_address) if part]
        return f"{obj.description} ({', '.join(details)})" if details else obj.description


class MeetingForm(forms.Form):
    """Who meets, under which name, when and where."""

    organizations = forms.ModelMultipleChoiceField(
        label=_("Committees or council (Gremien)"),
        queryset=Organization.objects.none(),
        # Not required here: the service says in its own words that one is needed.
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick more than one for a joint meeting."),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=Meeting._meta.get_field("name").max_length,
        help_text=_("E.g. 24. Sitzung des Stadtrates; the list offers a name for each Gremium."),
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start_time = forms.TimeField(
        label=_("Start time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("A new start of an invited meeting sends it back to “scheduled”: invite again."),
    )
    end_time = forms.TimeField(
        label=_("End time (optional)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("When it is planned to end, or ended; on the same day."),
    )
    location = LocationChoiceField(
        label=_("Location"),
        queryset=Location.objects.none(),
        required=False,
        help_text=_("The room is part of the location."),
    )

    # The service names the model's fields; the form splits the moments into day and time.
    SERVICE_FIELDS = {"start": "start_time", "end": "end_time"}

    def __init__(self, *args, body: Body, meeting: Meeting | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = meeting_organizations(body, meeting)
        self.fields["organizations"].queryset = queryset
        organizations = list(queryset)
        self.fields["location"].queryset = Location.objects.filter(body=body).order_by("description")
        self.name_suggestions = list(dict.fromkeys(meeting_name_suggestion(org) for org in organizations))
        self.fields["name"].widget.attrs["list"] = NAME_SUGGESTIONS_ID
        if meeting is None and not self.is_bound:
            main = next((org for org in organizations if org.classification == "Hauptorgan"), None)
            if main is not None or organizations:
                self.initial.setdefault("name", meeting_name_suggestion(main or organizations[0]))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(_("Who meets"), "organizations", Field("name")),
            Fieldset(
                _("When and where"),
                Div(
                    Div("date", css_class="col-sm-4"),
                    Div("start_time", css_class="col-sm-4"),
                    Div("end_time", css_class="col-sm-4"),
                    css_class="row",
                ),
                "location",
            ),
        )

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict:
        """A stored meeting as the form's initial data, in local time."""
        start = timezone.localtime(meeting.start)
        return {
            "organizations": list(meeting.organizations.all()),
            "name": meeting.name,
            "date": start.date(),
            "start_time": start.time(),
            "end_time": timezone.localtime(meeting.end).time() if meeting.end else None,
            "location": meeting.location,
        }

    def _moment(self, time: datetime.time | None) -> datetime.datetime | None:
        if time is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(self.cleaned_data["date"], time))

    def meeting_fields(self) -> dict:
        """The cleaned values as the services take them."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "organizations": list(data["organizations"]),
            "start": self._moment(data["start_time"]),
            "end": self._moment(data.get("end_time")),
            "location": data.get("location"),
        }

    def start_unchanged(self, meeting: Meeting) -> bool:
        """Whether day and time are the stored start's (to the minute, as the time field shows it)."""
        stored = timezone.localtime(meeting.start)
        data = self.cleaned_data
        return (data["date"], data["start_time"].replace(second=0, microsecond=0)) == (
            stored.date(),
            stored.time().replace(second=0, microsecond=0),
        )

    def add_service_error(self, error) -> None:
        """Put a service's ValidationError on the field it names, else above the form."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                field = self.SERVICE_FIELDS.get(field, field)
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


class AttendanceForm(forms.Form):
    """Present, excused or absent for each person with a seat in the meeting."""

    STATUS_CHOICES = [
        (Attendance.Status.PRESENT, _("present")),
        (Attendance.Status.EXCUSED, _("excused")),
        (Attendance.Status.ABSENT, _("absent")),
    ]

    def __init__(self, *args, attendees: list[EligibleAttendee], recorded: dict[int, str], **kwargs):
        """`recorded`: the stored status by person id; anyone without one starts as absent."""
        super().__init__(*args, **kwargs)
        self.attendees = attendees
        for attendee in attendees:
            self.fields[self.field_name(attendee)] = forms.ChoiceField(
                label=attendee.person.name,
                choices=self.STATUS_CHOICES,
                initial=recorded.get(attendee.person.pk, Attendance.Status.ABSENT),
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )

    @staticmethod
    def field_name(attendee: EligibleAttendee) -> str:
        return f"person_{attendee.person.pk}"

    def rows(self) -> list[dict]:
        """One row a person: the attendee and the bound radio buttons."""
        return [{"attendee": attendee, "field": self[self.field_name(attendee)]} for attendee in self.attendees]

    def persons_with(self, status: str) -> list:
        return [
            attendee.person for attendee in self.attendees if self.cleaned_data.get(self.field_name(attendee)) == status
        ]


class FollowForm(forms.Form):
    """Follow something by e-mail: the address, and what is followed (hidden fields of the page)."""

    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        error_messages={"invalid": _("Enter a valid e-mail address, e.g. name@example.org.")},
    )
    target = forms.ChoiceField(choices=Subscription.Target.choices, widget=forms.HiddenInput)
    organization = forms.ModelChoiceField(queryset=Organization.objects.all(), required=False, widget=forms.HiddenInput)
    key = forms.CharField(max_length=300, required=False, widget=forms.HiddenInput)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "email": data["email"],
            "target": data["target"],
            "organization": data["organization"],
            "key": data["key"],
        }
