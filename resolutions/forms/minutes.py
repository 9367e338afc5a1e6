"""The form of the Niederschrift beyond the results: who kept it, when the meeting ran, each item's course.

It only parses input; `resolutions.services.minutes_record` checks it under the meeting's
lock (a recused member present for the item, closing after opening) and writes.
"""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from council.meetings import meeting_day
from council.models import AgendaItem, Meeting, Person


class MinutesForm(forms.Form):
    """Minute-taker, actual opening and closing time, and per item its protocol and recusals."""

    minute_taker = forms.CharField(
        label=_("Minute-taker"),
        max_length=Meeting._meta.get_field("minute_taker").max_length,
        required=False,
        help_text=_("Who keeps the minutes (Schriftführung), as the minutes name them."),
    )
    opened_time = forms.TimeField(
        label=_("Opened at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("When the chair actually opened the meeting."),
    )
    closed_time = forms.TimeField(
        label=_("Closed at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("When the chair closed it."),
    )

    def __init__(self, *args, meeting: Meeting, items: list[AgendaItem], present: list[Person], recused=None, **kwargs):
        """`recused`: the stored recusals as {item pk: [person pk, …]}."""
        super().__init__(*args, **kwargs)
        self.meeting, self.items = meeting, items
        self.people = {str(person.pk): person for person in present}
        recused = recused or {}
        self.initial.setdefault("minute_taker", meeting.minute_taker)
        for name, moment in (("opened_time", meeting.opened_at), ("closed_time", meeting.closed_at)):
            if moment is not None:
                self.initial.setdefault(name, timezone.localtime(moment).time())
        choices = [(pk, person.name) for pk, person in self.people.items()]
        for item in items:
            self.fields[f"protocol_{item.pk}"] = forms.CharField(
                label=_("Protocol of item %(number)s") % {"number": item.number},
                required=False,
                initial=item.protocol,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("The course of the deliberation (Beratungsverlauf): who reported, what was discussed."),
            )
            self.fields[f"recused_{item.pk}"] = forms.MultipleChoiceField(
                label=_("Excluded for bias (befangen) at item %(number)s") % {"number": item.number},
                choices=choices,
                required=False,
                initial=[str(pk) for pk in recused.get(item.pk, [])],
                widget=forms.CheckboxSelectMultiple,
            )

    def rows(self) -> list[dict]:
        """One row an item: the item with its bound protocol and recusal fields."""
        return [
            {"item": item, "protocol": self[f"protocol_{item.pk}"], "recused": self[f"recused_{item.pk}"]}
            for item in self.items
        ]

    def _moment(self, name: str) -> datetime.datetime | None:
        time = self.cleaned_data.get(name)
        if time is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(meeting_day(self.meeting), time))

    def minutes_fields(self) -> dict:
        """The cleaned values as `minutes_record` takes them."""
        return {
            "minute_taker": self.cleaned_data["minute_taker"],
            "opened_at": self._moment("opened_time"),
            "closed_at": self._moment("closed_time"),
            "protocols": {item: self.cleaned_data[f"protocol_{item.pk}"] for item in self.items},
            "recusals": {
                item: [self.people[pk] for pk in self.cleaned_data[f"recused_{item.pk}"]] for item in self.items
            },
        }
