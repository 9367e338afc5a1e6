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

from council.collation import german
from council.meetings import EligibleAttendee, meeting_name_suggestion, next_meeting_number
from council.models import Attendance, Body, Location, Meeting, Organization, Person, Subscription

NAME_SUGGESTIONS_ID = "meeting-name-suggestions"


def meeting_organizations(body: Body, meeting: Meeting | None = None):
    """The Gremien a meeting may be of: the body's that exist today, and those it already has."""
    current = meeting.organizations.values("pk") if meeting is not None else []
    return (
        Organization.objects.committees()
        .filter(body=body)
        .filter(Q(pk__in=Organization.objects.active().values("pk")) | Q(pk__in=current))
        .order_by(german("name"))
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
        label=_("Name (optional)"),
        max_length=Meeting._meta.get_field("name").max_length,
        required=False,
        help_text=_(
            "Leave it empty and the name is made from the Gremium and its next meeting number, e.g. "
            "12. Sitzung des Stadtrates; the list offers these names."
        ),
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
    chair = forms.ModelChoiceField(
        label=_("Chair (optional)"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Who invites, chairs and signs; empty: the seat with the chair's role (Vorsitz)."),
    )
    notice_reason = forms.CharField(
        label=_("Reason for short notice (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only for an urgent meeting called after the Ladungsfrist: the invitation states the reason."),
    )

    # The service names the model's fields; the form splits the moments into day and time.
    SERVICE_FIELDS = {"start": "start_time", "end": "end_time"}

    def __init__(self, *args, body: Body, meeting: Meeting | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = meeting_organizations(body, meeting)
        self.fields["organizations"].queryset = queryset
        organizations = list(queryset)
        self.fields["location"].queryset = Location.objects.filter(body=body).order_by("description")
        self.fields["chair"].queryset = Person.objects.filter(body=body)
        # The names the service would give, with each Gremium's next number (as of today).
        now = timezone.now()
        self.name_suggestions = list(
            dict.fromkeys(meeting_name_suggestion(org, next_meeting_number(org, now)) for org in organizations)
        )
        self.fields["name"].widget.attrs["list"] = NAME_SUGGESTIONS_ID
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
            Fieldset(_("Invitation"), "chair", "notice_reason"),
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
            "chair": meeting.chair,
            "notice_reason": meeting.notice_reason,
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
            "chair": data.get("chair"),
            "notice_reason": data.get("notice_reason", ""),
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
    """Present, excused or absent for each person with a seat in the meeting; deputies, arrivals, departures.

    A person without a vote of their own (a deputy's seat) may stand in for a member with
    a vote; anyone present may be marked as arriving at or leaving after an agenda item.
    """

    STATUS_CHOICES = [
        (Attendance.Status.PRESENT, _("present")),
        (Attendance.Status.EXCUSED, _("excused")),
        (Attendance.Status.ABSENT, _("absent")),
    ]

    def __init__(self, *args, attendees: list[EligibleAttendee], recorded: dict[int, Attendance], items=(), **kwargs):
        """`recorded`: the stored attendance by person id; anyone without one starts as absent."""
        super().__init__(*args, **kwargs)
        self.attendees = attendees
        self.items = {str(item.pk): item for item in items}
        voters = {str(a.person.pk): a.person for a in attendees if a.voting_right}
        self.voters = voters
        item_choices = [(pk, _("item %(number)s") % {"number": item.number}) for pk, item in self.items.items()]
        for attendee in attendees:
            pk, stored = attendee.person.pk, recorded.get(attendee.person.pk)
            self.fields[self.field_name(attendee)] = forms.ChoiceField(
                label=attendee.person.name,
                choices=self.STATUS_CHOICES,
                initial=stored.status if stored else Attendance.Status.ABSENT,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
            if not attendee.voting_right:
                self.fields[f"deputy_{pk}"] = forms.ChoiceField(
                    label=_("%(person)s stands in for") % {"person": attendee.person.name},
                    choices=[("", _("nobody"))] + [(key, person.name) for key, person in voters.items()],
                    required=False,
                    initial=str(stored.deputy_for_id) if stored and stored.deputy_for_id else "",
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )
            if item_choices:
                self.fields[f"arrived_{pk}"] = forms.ChoiceField(
                    label=_("%(person)s present from") % {"person": attendee.person.name},
                    choices=[("", _("the start"))] + item_choices,
                    required=False,
                    initial=str(stored.arrived_at_id) if stored and stored.arrived_at_id else "",
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )
                self.fields[f"left_{pk}"] = forms.ChoiceField(
                    label=_("%(person)s present until") % {"person": attendee.person.name},
                    choices=[("", _("the end"))] + item_choices,
                    required=False,
                    initial=str(stored.left_after_id) if stored and stored.left_after_id else "",
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )

    @staticmethod
    def field_name(attendee: EligibleAttendee) -> str:
        return f"person_{attendee.person.pk}"

    def _bound(self, name: str):
        return self[name] if name in self.fields else None

    def rows(self) -> list[dict]:
        """One row a person: the attendee, the bound radio buttons, and the deputy and presence selects."""
        return [
            {
                "attendee": attendee,
                "field": self[self.field_name(attendee)],
                "deputy": self._bound(f"deputy_{attendee.person.pk}"),
                "arrived": self._bound(f"arrived_{attendee.person.pk}"),
                "left": self._bound(f"left_{attendee.person.pk}"),
            }
            for attendee in self.attendees
        ]

    def persons_with(self, status: str) -> list:
        return [
            attendee.person for attendee in self.attendees if self.cleaned_data.get(self.field_name(attendee)) == status
        ]

    def _chosen(self, prefix: str, values: dict) -> dict:
        chosen = {}
        for attendee in self.attendees:
            key = self.cleaned_data.get(f"{prefix}_{attendee.person.pk}")
            if key:
                chosen[attendee.person] = values[key]
        return chosen

    def deputies(self) -> dict:
        """Deputy → the member with a vote they stand in for."""
        return self._chosen("deputy", self.voters)

    def arrivals(self) -> dict:
        return self._chosen("arrived", self.items)

    def departures(self) -> dict:
        return self._chosen("left", self.items)


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


FEEDBACK_MESSAGE_REQUIRED = _("Please write what did not work for you.")
EMAIL_INVALID = _("Enter a valid e-mail address, e.g. name@example.org.")


class AccessibilityFeedbackForm(forms.Form):
    """Report a barrier: the message, optionally the page, a name and an address for the answer.

    `website` is a trap for spam robots: the page hides it from people (and screen readers), so
    a filled one means a robot, and nothing is saved.
    """

    message = forms.CharField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What did not work for you, and on which page?"),
        error_messages={"required": FEEDBACK_MESSAGE_REQUIRED},
    )
    page = forms.CharField(label=_("Address of the page (optional)"), max_length=500, required=False)
    name = forms.CharField(label=_("Your name (optional)"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("Your e-mail address for an answer (optional)"),
        max_length=254,
        required=False,
        error_messages={"invalid": EMAIL_INVALID},
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))
