"""Forms of the council office's agenda builder and of the result of an agenda item.

They only parse input; the services in `resolutions.services.consultation` decide, under
the meeting's lock, whether a Vorlage may go on an agenda, whether a vote adds up and
whether a text may differ from the Beschlussvorschlag. So the choices accepted here are
wide (any Vorlage of the body, any meeting of the body): a refusal then comes in the
service's own words, not as "Select a valid choice".
"""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from council.models import AgendaItem, AgendaTemplate, Meeting, Organization
from resolutions.models import Consultation, Decision, ItemDocument, Paper

# Free items most agendas have. They are agenda text in the council's language (data, not
# interface), so they stay German and are offered as suggestions only.
FREE_ITEM_SUGGESTIONS = (
    "Eröffnung der Sitzung",
    "Feststellung der ordnungsgemäßen Einladung und der Tagesordnung",
    "Genehmigung der Niederschrift",
    "Einwohnerfragestunde",
    "Mitteilungen",
    "Anfragen",
    "Mitteilungen und Anfragen",
    "Verschiedenes",
)
FREE_ITEM_SUGGESTIONS_ID = "agenda-free-item-suggestions"

NUMBER_HELP = _("Optional, e.g. 10.1 for a sub-item; empty numbers the agenda by position.")
DOCUMENT_MISSING_ERROR = _("Choose the document to attach.")
TEMPLATE_GONE_ERROR = _("This agenda template no longer exists; reload the page and choose another.")
ITEM_GONE_ERROR = _("This item is no longer on this agenda; the page shows the agenda as it is now.")
PAPER_UNKNOWN_ERROR = _("This Vorlage does not exist in this municipality; reload the page and choose again.")
MEETING_UNKNOWN_ERROR = _("Choose one of the later meetings of the list.")
RESOLUTION_TEXT_HELP = _(
    "Prefilled with the Beschlussvorschlag. Change it only when the result is “geändert beschlossen”, and then "
    "enter the wording as resolved: any other result records the Beschlussvorschlag as it stands, and a changed "
    "text is refused."
)


def _number_field() -> forms.CharField:
    return forms.CharField(
        label=_("Number"),
        required=False,
        max_length=AgendaItem._meta.get_field("number").max_length,
        help_text=NUMBER_HELP,
        widget=forms.TextInput(attrs={"size": 5, "inputmode": "decimal", "autocomplete": "off"}),
    )


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- the result of an item ------------------------------------------------------------
# Where a summary line of the result form points: the field of a field error, else the
# part of the form a refusal concerns (its code), else the top of the form.
VOTES_ANCHOR = "decision-votes"
FACTIONS_ANCHOR = "faction-votes"
FORM_ANCHOR = "decision-form"
NON_FIELD_ANCHORS = {"votes_exceed_present": VOTES_ANCHOR}


def decision_error_summary(form: "DecisionForm", formset: "BaseFactionVoteFormSet") -> list[tuple[str, str]]:
    """Every error of the result form and its rows by Fraktion, as (message, anchor id) in page order.

    Also marks the inputs in error (``is-invalid``; Django sets ``aria-invalid``), the rows
    by Fraktion included, which are rendered without crispy.
    """
    summary = []
    for error in form.non_field_errors().as_data():
        summary.append((" ".join(error.messages), NON_FIELD_ANCHORS.get(error.code, FORM_ANCHOR)))
    for name in form.fields:
        if name not in form.errors:
            continue
        bound = form[name]
        anchor = bound.subwidgets[0].id_for_label if name == "result" else bound.auto_id
        summary.extend((f"{bound.label}: {message}", anchor) for message in bound.errors)
    summary.extend((str(message), FACTIONS_ANCHOR) for message in formset.non_form_errors())
    for row in formset.forms:
        faction = row.faction_object
        name = faction.name if faction else "?"
        first = None
        for field_name in ("yes", "no", "abstain", "biased"):
            bound = row[field_name]
            first = first or bound.auto_id
            if bound.errors:
                css = row.fields[field_name].widget.attrs.get("class", "")
                row.fields[field_name].widget.attrs["class"] = f"{css} is-invalid".strip()
                summary.extend((f"{name}, {bound.label}: {message}", bound.auto_id) for message in bound.errors)
        summary.extend((f"{name}: {message}", first) for message in row.non_field_errors())
        summary.extend((f"{name}: {message}", first) for message in row["faction"].errors)
    return summary


# --- the agenda -----------------------------------------------------------------------
class AgendaPaperForm(forms.Form):
    """Put a Vorlage of the pool on the agenda, optionally under a given number or non-public."""

    paper = forms.ModelChoiceField(
        queryset=Paper.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": PAPER_UNKNOWN_ERROR},
    )
    number = _number_field()
    nonpublic = forms.BooleanField(
        label=_("non-public"),
        required=False,
        help_text=_("A non-public Vorlage always goes to the non-public part."),
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        # Any Vorlage of the body: whether it may go on this agenda is the service's answer.
        self.fields["paper"].queryset = Paper.objects.filter(body_id=meeting.body_id)
        self.fields["number"].widget.attrs.update(
            {"class": "form-control form-control-sm w-auto", "placeholder": _("No.")}
        )
        self.fields["nonpublic"].widget.attrs["class"] = "form-check-input"

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {"paper": data["paper"], "number": data["number"] or None, "public": not data["nonpublic"]}


class AgendaFreeItemForm(forms.Form):
    """A free item without a Vorlage: Eröffnung, Mitteilungen, Anfragen."""

    name = forms.CharField(
        label=_("Name"),
        max_length=AgendaItem._meta.get_field("name").max_length,
        help_text=_("E.g. Eröffnung der Sitzung; the list offers the usual ones."),
    )
    public = forms.BooleanField(label=_("public"), required=False, initial=True)
    number = _number_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_free_%s")
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["list"] = FREE_ITEM_SUGGESTIONS_ID

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {"name": data["name"], "public": data["public"], "number": data["number"] or None}


class AgendaItemForm(forms.Form):
    """An action on one item of this meeting's agenda."""

    item = forms.ModelChoiceField(
        queryset=AgendaItem.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": ITEM_GONE_ERROR, "required": ITEM_GONE_ERROR},
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["item"].queryset = AgendaItem.objects.filter(meeting=meeting)


class AgendaSetPublicForm(AgendaItemForm):
    """Move an item to the public or the non-public part."""

    public = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1")


class AgendaMoveForm(AgendaItemForm):
    """Move an item one place up or down within its part."""

    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])

    def item_ids(self, order: list[AgendaItem]) -> list[int]:
        """The agenda's item ids with the item swapped with its neighbour (unchanged at the ends)."""
        ids = [item.pk for item in order]
        index = ids.index(self.cleaned_data["item"].pk)
        other = index - 1 if self.cleaned_data["direction"] == "up" else index + 1
        if 0 <= other < len(ids):
            ids[index], ids[other] = ids[other], ids[index]
        return ids


class ItemIdListField(forms.Field):
    """Item ids in the order posted (`item_ids` repeated); whether they fit is the service's answer."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        try:
            return [int(pk) for pk in value or []]
        except (TypeError, ValueError):
            raise ValidationError(ITEM_GONE_ERROR, code="invalid") from None


class AgendaRenameForm(AgendaItemForm):
    """A free item's new name."""

    name = forms.CharField(label=_("Name"), max_length=AgendaItem._meta.get_field("name").max_length)


class ItemDocumentForm(AgendaItemForm):
    """A document for a free item; what the file is, is checked by the service."""

    name = forms.CharField(
        label=_("Name (optional)"),
        max_length=300,
        required=False,
        help_text=_("How the document is listed; empty: its file name."),
    )
    file = forms.FileField(label=_("Document"), error_messages={"required": DOCUMENT_MISSING_ERROR})


class ItemDocumentRemoveForm(forms.Form):
    """Which document of this meeting's agenda to take off."""

    document = forms.ModelChoiceField(
        queryset=ItemDocument.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": ITEM_GONE_ERROR, "required": ITEM_GONE_ERROR},
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = ItemDocument.objects.filter(agenda_item__meeting=meeting)


class AgendaTemplateForm(forms.Form):
    """Which agenda template's standing items to put on the agenda."""

    template = forms.ModelChoiceField(
        label=_("Agenda template"),
        queryset=AgendaTemplate.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": TEMPLATE_GONE_ERROR},
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        kwargs.setdefault("auto_id", "id_template_%s")
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = AgendaTemplate.objects.filter(body_id=meeting.body_id)


class AgendaReorderForm(forms.Form):
    """The whole agenda in a new order."""

    item_ids = ItemIdListField(error_messages={"required": ITEM_GONE_ERROR})


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Meeting) -> str:
        return f"{obj.name} ({formats.date_format(timezone.localtime(obj.start), 'SHORT_DATE_FORMAT')})"


class AgendaDeferForm(AgendaItemForm):
    """Defer a Vorlage's item (vertagen) to a later meeting of its organization."""

    to_meeting = MeetingChoiceField(
        label=_("Defer to"),
        queryset=Meeting.objects.none(),
        empty_label=_("choose a later meeting"),
        error_messages={"invalid_choice": MEETING_UNKNOWN_ERROR},
    )

    def __init__(self, *args, meeting: Meeting, later_meetings=None, **kwargs):
        """`later_meetings`: the meetings to offer; any meeting of the body is accepted (the service checks)."""
        super().__init__(*args, meeting=meeting, **kwargs)
        field = self.fields["to_meeting"]
        field.queryset = Meeting.objects.filter(body_id=meeting.body_id).exclude(pk=meeting.pk)
        field.widget.attrs["class"] = "form-select form-select-sm"
        self.offer(later_meetings or [])

    def offer(self, meetings) -> None:
        """Show these meetings in the select (computed once for the page; no query per row)."""
        field = self.fields["to_meeting"]
        field.choices = [("", field.empty_label), *((m.pk, field.label_from_instance(m)) for m in meetings)]


# --- the result -----------------------------------------------------------------------
class DecisionForm(forms.Form):
    """What was resolved on an item, with which wording and by which vote."""

    result = forms.ChoiceField(
        label=_("Result"),
        # "Other" holds the wordings of imported decisions; recorded here, a result is one of ours.
        choices=[choice for choice in Decision.Result.choices if choice[0] != Decision.Result.OTHER],
        widget=forms.RadioSelect(attrs={"data-decision-result": ""}),
    )
    resolution_text = forms.CharField(
        label=_("Resolution text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "data-resolution-text": ""}),
        help_text=RESOLUTION_TEXT_HELP,
    )
    votes_yes = forms.IntegerField(label=_("yes"), min_value=0, required=False)
    votes_no = forms.IntegerField(label=_("no"), min_value=0, required=False)
    votes_abstain = forms.IntegerField(label=_("abstentions"), min_value=0, required=False)
    votes_biased = forms.IntegerField(
        label=_("excluded (befangen)"),
        min_value=0,
        required=False,
        help_text=_("Members who did not take part for bias (§ 22 GemO)."),
    )
    unanimous = forms.BooleanField(
        label=_("einstimmig (unanimous)"),
        required=False,
        help_text=_("Nobody voted against; abstentions are possible."),
    )

    VOTE_FIELDS = ("votes_yes", "votes_no", "votes_abstain", "votes_biased")
    AMENDED = Decision.Result.ADOPTED_AMENDED

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        paper = consultation.paper
        noted = consultation.role == Consultation.Role.NOTICE or paper.paper_type == Paper.Type.INFORMATION
        self.fields["result"].initial = Decision.Result.NOTED if noted else Decision.Result.ADOPTED
        self.fields["resolution_text"].initial = paper.proposal
        for name in self.VOTE_FIELDS:
            self.fields[name].widget.attrs.update({"data-vote-total": name, "placeholder": "0"})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def service_arguments(self, *, text_sent: bool) -> dict:
        """The cleaned values as `decision_record` takes them.

        `text_sent`: whether the page sent a resolution text at all; without one the service
        takes the Beschlussvorschlag.
        """
        data = self.cleaned_data
        return {
            "result": data["result"],
            "resolution_text": data["resolution_text"] if text_sent else None,
            "unanimous": data["unanimous"],
            **{name: data[name] or 0 for name in self.VOTE_FIELDS},
        }


class FactionVoteForm(forms.Form):
    """How one Fraktion voted; an all-empty row means the Fraktion is not broken down."""

    faction = forms.TypedChoiceField(coerce=int, widget=forms.HiddenInput)
    yes = forms.IntegerField(label=_("yes"), min_value=0, required=False)
    no = forms.IntegerField(label=_("no"), min_value=0, required=False)
    abstain = forms.IntegerField(label=_("abstentions"), min_value=0, required=False)
    biased = forms.IntegerField(label=_("excluded (befangen)"), min_value=0, required=False)

    COLUMNS = (("yes", "votes_yes"), ("no", "votes_no"), ("abstain", "votes_abstain"), ("biased", "votes_biased"))

    def __init__(self, *args, factions: dict[int, Organization], present: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.factions, self.present = factions, present
        # A plain choice over the body's Fraktionen computed once: no query per row.
        self.fields["faction"].choices = [(pk, faction.name) for pk, faction in factions.items()]
        for key, total in self.COLUMNS:
            self.fields[key].widget.attrs.update(
                {"class": "form-control form-control-sm", "data-vote-column": total, "placeholder": "0"}
            )

    @property
    def faction_object(self) -> Organization | None:
        try:
            return self.factions[int(self["faction"].value())]
        except (KeyError, TypeError, ValueError):
            return None

    @property
    def present_count(self) -> int:
        faction = self.faction_object
        return self.present.get(faction.pk, 0) if faction else 0

    def row(self) -> dict | None:
        """The row as the service takes it, or None if nothing was entered."""
        counts = {key: self.cleaned_data.get(key) or 0 for key, _total in self.COLUMNS}
        if not any(counts.values()):
            return None
        return {"faction": self.factions[self.cleaned_data["faction"]], **counts}


class BaseFactionVoteFormSet(forms.BaseFormSet):
    """The votes by Fraktion: one row a Fraktion with members present."""

    def __init__(self, *args, factions: dict[int, Organization], present: dict[int, int], **kwargs):
        super().__init__(*args, form_kwargs={"factions": factions, "present": present}, **kwargs)

    def rows(self) -> list[dict]:
        return [row for form in self.forms if (row := form.row()) is not None]

    def add_error(self, error: ValidationError) -> None:
        """Show an error the service found in the votes by Fraktion above the rows."""
        self.non_form_errors()  # computes the error list if it has not been yet
        self._non_form_errors.extend(error.messages)


FactionVoteFormSet = forms.formset_factory(
    FactionVoteForm, formset=BaseFactionVoteFormSet, extra=0, max_num=100, validate_max=True
)
