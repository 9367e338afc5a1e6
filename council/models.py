"""The council itself: bodies, terms, organizations, people, memberships, meetings, agendas.

Names follow OParl 1.1 (https://schema.oparl.org/1.1/) where OParl has one; a comment says
where ours differs.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from council.collation import german


class TimeStampedModel(models.Model):
    """Give every object the `created` and `modified` timestamps OParl requires."""

    created = models.DateTimeField(_("created"), auto_now_add=True, help_text=_("When this record was created."))
    modified = models.DateTimeField(_("modified"), auto_now=True, help_text=_("When this record was last changed."))

    class Meta:
        abstract = True


class Body(TimeStampedModel):
    """A municipality (Gebietskörperschaft) whose council this installation serves."""

    name = models.CharField(_("name"), max_length=200, help_text=_("Official name, e.g. Stadt Ludwigshafen am Rhein."))
    short_name = models.CharField(_("short name"), max_length=100, blank=True, help_text=_("E.g. Ludwigshafen."))
    # Amtlicher Gemeindeschlüssel: 8 digits identifying the municipality. Optional, as in OParl:
    # a body imported from a system that sends none is kept without one.
    ags = models.CharField(
        _("AGS"),
        max_length=8,
        blank=True,
        help_text=_("Amtlicher Gemeindeschlüssel, 8 digits, e.g. 07314000; unique when given."),
    )
    # Regionalschlüssel: 12 digits, the AGS with the Verband in between.
    rgs = models.CharField(_("RGS"), max_length=12, blank=True, help_text=_("Regionalschlüssel, 12 digits."))
    classification = models.CharField(
        _("classification"), max_length=100, blank=True, help_text=_("E.g. kreisfreie Stadt.")
    )
    website = models.URLField(_("website"), blank=True, help_text=_("The municipality's own website."))
    contact_name = models.CharField(
        _("contact name"), max_length=200, blank=True, help_text=_("Who answers questions about this data.")
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True, help_text=_("Where to send those questions."))
    # Ladungsfrist: how many days before a meeting the invitation must go out.
    notice_period_days = models.PositiveSmallIntegerField(
        _("notice period (days)"),
        default=7,
        help_text=_("Ladungsfrist: invitations must be sent at least this many days before a meeting."),
    )

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(ags="") | Q(ags__regex=r"^[0-9]{8}$"), name="body_ags_eight_digits"),
            models.UniqueConstraint(fields=["ags"], condition=~Q(ags=""), name="body_ags_unique_when_given"),
        ]

    def __str__(self):
        return self.name


class LegislativeTerm(TimeStampedModel):
    """A Wahlperiode of a body's council."""

    body = models.ForeignKey(
        Body,
        verbose_name=_("body"),
        on_delete=models.CASCADE,
        related_name="legislative_terms",
        help_text=_("The municipality this belongs to."),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("E.g. Wahlperiode 2009–2014."))
    start_date = models.DateField(_("start date"), help_text=_("First day of the term."))
    end_date = models.DateField(_("end date"), null=True, blank=True, help_text=_("Last day of the term."))

    class Meta:
        verbose_name = _("legislative term")
        verbose_name_plural = _("legislative terms")
        ordering = ["body", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="legislativeterm_end_after_start",
            ),
        ]

    def __str__(self):
        return self.name


class Location(TimeStampedModel):
    """A place where meetings happen or organizations sit."""

    body = models.ForeignKey(
        Body,
        verbose_name=_("body"),
        on_delete=models.CASCADE,
        related_name="locations",
        help_text=_("The municipality this belongs to."),
    )
    description = models.CharField(_("description"), max_length=200, help_text=_("E.g. Stadtratssaal, Rathaus."))
    street_address = models.CharField(
        _("street address"), max_length=200, blank=True, help_text=_("Street and number.")
    )
    room = models.CharField(_("room"), max_length=100, blank=True, help_text=_("Room name or number."))
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True, help_text=_("Postleitzahl."))
    locality = models.CharField(_("locality"), max_length=100, blank=True, help_text=_("Town or city."))

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["description"]

    def __str__(self):
        return self.description


class OrganizationQuerySet(models.QuerySet):
    def active(self, on=None):
        """Organizations that exist on the given day (today by default)."""
        on = on or timezone.localdate()
        return self.filter(Q(start_date__isnull=True) | Q(start_date__lte=on)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on)
        )

    def committees(self):
        """Gremien: the council and its committees, which meet and decide."""
        return self.filter(organization_type=Organization.Type.COMMITTEE)


class Organization(TimeStampedModel):
    """A Gremium, Fraktion, Partei, Verwaltungsbereich, external body or institution."""

    class Type(models.TextChoices):
        # Values are OParl's `organizationType` vocabulary, verbatim.
        COMMITTEE = "Gremium", _("Committee or council (Gremium)")
        PARTY = "Partei", _("Party")
        FACTION = "Fraktion", _("Faction (Fraktion)")
        ADMINISTRATIVE_UNIT = "Verwaltungsbereich", _("Administrative unit (Verwaltungsbereich)")
        EXTERNAL_COMMITTEE = "externes Gremium", _("External committee")
        INSTITUTION = "Institution", _("Institution")
        OTHER = "Sonstiges", _("Other")

    body = models.ForeignKey(
        Body,
        verbose_name=_("body"),
        on_delete=models.CASCADE,
        related_name="organizations",
        help_text=_("The municipality this belongs to."),
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("E.g. Ausschuss für Soziales."))
    short_name = models.CharField(_("short name"), max_length=50, blank=True, help_text=_("E.g. 5-11 or SozA."))
    organization_type = models.CharField(
        _("organization type"), max_length=30, choices=Type.choices, help_text=_("OParl organizationType.")
    )
    classification = models.CharField(
        _("classification"), max_length=100, blank=True, help_text=_("E.g. Hauptorgan, Ausschuss, Bereich.")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text=_("OParl subOrganizationOf, e.g. the Dezernat above a Bereich."),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True, help_text=_("When it was founded."))
    end_date = models.DateField(_("end date"), null=True, blank=True, help_text=_("When it was dissolved."))
    website = models.URLField(_("website"), blank=True, help_text=_("Its own website, if any."))
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organizations",
        help_text=_("Where it usually meets or sits."),
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["organization_type", german("name")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="organization_end_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("council:organization_detail", kwargs={"pk": self.pk})


class PersonQuerySet(models.QuerySet):
    def public(self):
        """People the public may read about: those who hold or held a seat outside the administration.

        Council members, committee members and Fraktion members appear in the public record;
        the staff of the administration (members of a Verwaltungsbereich only) do not.
        """
        return self.filter(pk__in=Membership.objects.public().values("person_id"))


class Person(TimeStampedModel):
    """A council member, citizen expert or employee who appears in the record."""

    class Gender(models.TextChoices):
        # OParl's gender vocabulary.
        FEMALE = "female", _("female")
        MALE = "male", _("male")
        OTHER = "other", _("other")
        UNKNOWN = "", _("not stated")

    body = models.ForeignKey(
        Body,
        verbose_name=_("body"),
        on_delete=models.CASCADE,
        related_name="persons",
        help_text=_("The municipality this belongs to."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text=_("The login of this person, if they have one."),
    )
    family_name = models.CharField(_("family name"), max_length=100, help_text=_("Surname."))
    given_name = models.CharField(_("given name"), max_length=100, blank=True, help_text=_("First name(s)."))
    form_of_address = models.CharField(_("form of address"), max_length=50, blank=True, help_text=_("E.g. Frau, Herr."))
    title = models.CharField(_("academic title"), max_length=50, blank=True, help_text=_("E.g. Dr."))
    affix = models.CharField(_("affix"), max_length=50, blank=True, help_text=_("E.g. von, MdL."))
    gender = models.CharField(
        _("gender"), max_length=10, choices=Gender.choices, blank=True, help_text=_("As the person states it.")
    )
    email = models.EmailField(_("e-mail"), blank=True, help_text=_("Published only if the person agreed."))
    phone = models.CharField(_("phone"), max_length=50, blank=True, help_text=_("Published only if the person agreed."))

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = [german("family_name"), german("given_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("council:person_detail", kwargs={"pk": self.pk})

    @property
    def name(self) -> str:
        """The full name as printed, e.g. "Dr. Eva Müller"."""
        return " ".join(part for part in (self.title, self.given_name, self.family_name, self.affix) if part)


class MembershipQuerySet(models.QuerySet):
    def public(self):
        """Seats the public may read about: every membership except those in a Verwaltungsbereich."""
        return self.exclude(organization__organization_type=Organization.Type.ADMINISTRATIVE_UNIT)

    def active(self, on=None):
        """Memberships that hold on the given day (today by default)."""
        on = on or timezone.localdate()
        return self.filter(Q(start_date__isnull=True) | Q(start_date__lte=on)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on)
        )


class Membership(TimeStampedModel):
    """A person's seat in an organization, with role and voting right, for a time."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships", help_text=_("Who.")
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="memberships",
        help_text=_("Where."),
    )
    role = models.CharField(_("role"), max_length=100, blank=True, help_text=_("E.g. Vorsitzende, Mitglied."))
    voting_right = models.BooleanField(_("voting right"), default=True, help_text=_("Whether this seat votes."))
    # OParl onBehalfOf: the Fraktion a person sits for in a committee.
    on_behalf_of = models.ForeignKey(
        Organization,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delegated_memberships",
        help_text=_("The Fraktion this person represents here."),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True, help_text=_("First day of the membership."))
    end_date = models.DateField(_("end date"), null=True, blank=True, help_text=_("Last day of the membership."))

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization", "person"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="membership_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.organization}"


class MeetingQuerySet(models.QuerySet):
    def upcoming(self):
        """Meetings that have not started yet, soonest first."""
        return self.filter(start__gte=timezone.now()).exclude(state=Meeting.State.CANCELLED).order_by("start")

    def past(self):
        """Meetings that have started, latest first."""
        return self.filter(start__lt=timezone.now()).order_by("-start")


class Meeting(TimeStampedModel):
    """A Sitzung of one or more organizations."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        INVITED = "invited", _("invited")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    body = models.ForeignKey(
        Body,
        verbose_name=_("body"),
        on_delete=models.CASCADE,
        related_name="meetings",
        help_text=_("The municipality this belongs to."),
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("E.g. 12. Sitzung des Stadtrates."))
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("organizations"), related_name="meetings", help_text=_("Who meets.")
    )
    start = models.DateTimeField(_("start"), help_text=_("When the meeting begins."))
    end = models.DateTimeField(_("end"), null=True, blank=True, help_text=_("When it ended or is planned to end."))
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
        help_text=_("Where it takes place."),
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=State.choices,
        default=State.SCHEDULED,
        help_text=_("Where the meeting stands: scheduled, invited, held or cancelled."),
    )
    invited_at = models.DateTimeField(
        _("invited at"), null=True, blank=True, help_text=_("When the invitations were sent.")
    )
    # The running number of the organization's meetings that the name starts with ("12. Sitzung
    # des …"); counted per Wahlperiode when the body has terms, else from the first meeting.
    number = models.PositiveIntegerField(
        _("meeting number"), null=True, blank=True, help_text=_("The n-th meeting of the organization, e.g. 12.")
    )
    chair = models.ForeignKey(
        Person,
        verbose_name=_("chair"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chaired_meetings",
        help_text=_("Who invites to the meeting, chairs it and signs its minutes."),
    )
    minute_taker = models.CharField(
        _("minute-taker"),
        max_length=200,
        blank=True,
        help_text=_("Who keeps the minutes (Schriftführung), as the minutes name them."),
    )
    # Start and end above are the planned times the invitation names; the minutes record
    # when the chair actually opened and closed the meeting.
    opened_at = models.DateTimeField(
        _("opened at"), null=True, blank=True, help_text=_("When the chair actually opened the meeting.")
    )
    closed_at = models.DateTimeField(
        _("closed at"), null=True, blank=True, help_text=_("When the chair actually closed the meeting.")
    )
    notice_reason = models.TextField(
        _("reason for short notice"),
        blank=True,
        help_text=_(
            "Why the meeting is called at shorter notice than the Ladungsfrist (urgency), as the invitation says."
        ),
    )
    participants = models.ManyToManyField(
        Person,
        through="Attendance",
        through_fields=("meeting", "person"),
        verbose_name=_("participants"),
        related_name="meetings",
        help_text=_("Who was present or excused."),
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="meeting_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(opened_at__isnull=True) | Q(closed_at__gte=F("opened_at")),
                name="meeting_closed_after_opened",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("council:meeting_detail", kwargs={"pk": self.pk})

    @property
    def cancelled(self) -> bool:
        return self.state == self.State.CANCELLED


class Attendance(TimeStampedModel):
    """Whether a person attended a meeting."""

    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        EXCUSED = "excused", _("excused")
        ABSENT = "absent", _("absent")

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="attendances",
        help_text=_("The meeting this belongs to."),
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="attendances", help_text=_("Who.")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.PRESENT,
        help_text=_("Present, excused or absent."),
    )
    # Stellvertretung: a present person who attends and votes in place of a member with a
    # vote who is excused or absent.
    deputy_for = models.ForeignKey(
        Person,
        verbose_name=_("deputy for"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputised_attendances",
        help_text=_("The member with a vote this person attends in place of."),
    )
    # Late arrival and early departure, by agenda item: the person counts as present for
    # the items from `arrived_at` to `left_after`, both included (empty: from the start,
    # to the end).
    arrived_at = models.ForeignKey(
        "AgendaItem",
        verbose_name=_("arrived at item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The first item the person was present for, if they came late."),
    )
    left_after = models.ForeignKey(
        "AgendaItem",
        verbose_name=_("left after item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The last item the person was present for, if they left early."),
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once_per_meeting"),
        ]

    def __str__(self):
        return f"{self.person} – {self.meeting}: {self.get_status_display()}"


class AgendaItemQuerySet(models.QuerySet):
    def public(self):
        """Items of the public part of the meeting."""
        return self.filter(public=True)

    def visible_to(self, user):
        """Items the user may see: the public ones, and the non-public ones of meetings they are insiders of.

        The set form of `council.queries.is_insider`: the office (and administrators) see every
        item, a council member the items of meetings of organizations they sit in today.
        A test keeps the two in step.
        """
        from council.roles import actor_for  # roles reads these models

        actor = actor_for(user)
        if actor.is_office:
            return self.all()
        if not actor.organization_ids:
            return self.public()
        insider = AgendaItem.objects.filter(meeting__organizations__in=actor.organization_ids).values("pk")
        return self.filter(Q(public=True) | Q(pk__in=insider))


class AgendaItem(TimeStampedModel):
    """A Tagesordnungspunkt of a meeting."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="agenda_items",
        help_text=_("The meeting this belongs to."),
    )
    number = models.CharField(_("number"), max_length=20, help_text=_('As printed on the agenda, e.g. "5" or "10.1".'))
    order = models.PositiveIntegerField(_("order"), help_text=_("Position on the agenda, from 1."))
    name = models.CharField(_("name"), max_length=500, help_text=_("The item's title."))
    public = models.BooleanField(
        _("public"), default=True, help_text=_("Non-public items are shown to members and the office only.")
    )
    # An item added after the invitation went out: the invitation's numbers stay, and the
    # item is announced as a Nachtrag (supplement) to the agenda.
    addendum = models.BooleanField(
        _("addendum"), default=False, help_text=_("Added after the invitation (Nachtrag to the agenda).")
    )
    # A template's closing item ("Mitteilungen und Anfragen") stays at the end of the public
    # part: items added later go before it.
    closing = models.BooleanField(
        _("closing item"), default=False, help_text=_("Stays at the end of the public part when items are added.")
    )
    protocol = models.TextField(
        _("protocol"),
        blank=True,
        help_text=_("The course of the deliberation as the minutes record it (Beratungsverlauf)."),
    )

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order"]
        # OParl: a Paper or Meeting changed since a date when one of its items did.
        indexes = [models.Index(fields=["modified"], name="agendaitem_modified")]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "order"], name="agendaitem_unique_order"),
            models.UniqueConstraint(fields=["meeting", "number"], name="agendaitem_unique_number"),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    def get_absolute_url(self):
        """The item on its meeting's page."""
        return reverse("council:meeting_detail", kwargs={"pk": self.meeting_id}) + f"#{self.anchor}"

    @property
    def anchor(self) -> str:
        """The id of the item on the meeting page, e.g. "top-10-1" for item 10.1."""
        return f"top-{slugify(self.number)}"


class Recusal(TimeStampedModel):
    """A member who took no part in one item for bias (Befangenheit, § 22 GemO RP)."""

    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        related_name="recusals",
        help_text=_("The item the member took no part in."),
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="recusals", help_text=_("Who.")
    )

    class Meta:
        verbose_name = _("recusal (Befangenheit)")
        verbose_name_plural = _("recusals (Befangenheit)")
        constraints = [models.UniqueConstraint(fields=["agenda_item", "person"], name="recusal_once_per_item")]

    def __str__(self):
        return f"{self.person} – {self.agenda_item}"


class AgendaTemplate(TimeStampedModel):
    """The standing items an office puts on every agenda of a kind, before and after the Vorlagen."""

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="agenda_templates", help_text=_("Whose.")
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("E.g. Ordentliche Sitzung."))
    opening_items = models.TextField(
        _("opening items"),
        blank=True,
        help_text=_("One item a line, put at the start of the public part (e.g. Eröffnung der Sitzung)."),
    )
    closing_items = models.TextField(
        _("closing items"),
        blank=True,
        help_text=_("One item a line, put at the end of the public part (e.g. Mitteilungen und Anfragen)."),
    )

    class Meta:
        verbose_name = _("agenda template")
        verbose_name_plural = _("agenda templates")
        ordering = ["body", german("name")]
        constraints = [models.UniqueConstraint(fields=["body", "name"], name="agendatemplate_unique_name")]

    def __str__(self):
        return self.name

    @staticmethod
    def lines(text: str) -> list[str]:
        """The items of one of the text fields, blank lines dropped."""
        return [line.strip() for line in text.splitlines() if line.strip()]


class InvitationDispatch(TimeStampedModel):
    """One invitation mailed to one person: the proof that the Ladung went out, and to where.

    Written when the office sends the invitations (one row per entitled person, queued) and
    brought up to date by the task that mails it (sent or failed). `agenda` is the agenda as it
    was mailed, so that a Nachtrag can say what changed; `agenda_version` its fingerprint.
    """

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("invitation")
        SUPPLEMENT = "supplement", _("supplement (Nachtrag)")
        MINUTES = "minutes", _("minutes (Niederschrift)")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("delivered to the mail server")
        FAILED = "failed", _("failed")

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="dispatches",
        help_text=_("The meeting this belongs to."),
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="dispatches",
        help_text=_("Who was invited."),
    )
    recipient_name = models.CharField(
        _("recipient"), max_length=300, help_text=_("The person's name when the invitation went out.")
    )
    address = models.EmailField(_("address"), blank=True, help_text=_("Where it was mailed; empty if none is known."))
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.INVITATION,
        help_text=_("Invitation, Nachtrag or Niederschrift."),
    )
    insider = models.BooleanField(
        _("with the non-public part"), default=False, help_text=_("Whether the non-public part was enclosed.")
    )
    agenda_version = models.CharField(
        _("agenda version"), max_length=16, help_text=_("Fingerprint of the agenda that was mailed.")
    )
    agenda = models.JSONField(_("agenda"), default=list, help_text=_("The agenda items as they were mailed."))
    message_id = models.CharField(
        _("message id"), max_length=255, unique=True, help_text=_("The Message-ID header of the mail.")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.QUEUED, help_text=_("Where the mail stands.")
    )
    sent_at = models.DateTimeField(
        _("sent at"), null=True, blank=True, help_text=_("When the mail server accepted it.")
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, help_text=_("How often sending was tried."))
    error = models.TextField(_("error"), blank=True, help_text=_("Why the last attempt failed."))

    class Meta:
        verbose_name = _("invitation dispatch")
        verbose_name_plural = _("invitation dispatches")
        ordering = ["meeting", "created", "recipient_name", "pk"]

    def __str__(self):
        return f"{self.meeting} → {self.recipient_name} ({self.get_state_display()})"


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        """Subscriptions whose address was confirmed through the link in the mail."""
        return self.filter(confirmed_at__isnull=False)


class Subscription(models.Model):
    """Someone following an organization, a Vorlage or a search by e-mail (double opt-in).

    Nothing about the person is kept but the address (DSGVO); unsubscribing deletes the row.
    `user` is set when a logged-in user follows: their digest shows what they may see (a
    member's includes the non-public items of their own organizations); without it the
    digest holds only what the public sees.
    """

    class Target(models.TextChoices):
        ORGANIZATION = "organization", _("organization")
        PAPER = "paper", _("Vorlage")
        SEARCH = "search", _("search")

    email = models.EmailField(_("e-mail"), help_text=_("Where the digest goes."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        help_text=_("The logged-in user who follows, if any."),
    )
    target = models.CharField(_("follows"), max_length=20, choices=Target.choices, help_text=_("What is followed."))
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        help_text=_("The organization followed."),
    )
    key = models.CharField(
        _("key"), max_length=300, blank=True, help_text=_("The KSD number of the Vorlage, or the search's words.")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True, help_text=_("When this record was created."))
    confirmed_at = models.DateTimeField(
        _("confirmed at"), null=True, blank=True, help_text=_("When the address was confirmed; empty until then.")
    )
    last_digest_at = models.DateTimeField(
        _("last digest"), null=True, blank=True, help_text=_("Until when the last digest reported.")
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["email", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "organization"], condition=Q(target="organization"), name="subscription_once_org"
            ),
            models.UniqueConstraint(
                fields=["email", "target", "key"], condition=Q(organization__isnull=True), name="subscription_once_key"
            ),
            models.CheckConstraint(
                condition=(Q(target="organization") & Q(organization__isnull=False))
                | (~Q(target="organization") & Q(organization__isnull=True) & ~Q(key="")),
                name="subscription_has_target",
            ),
        ]

    def __str__(self):
        return f"{self.email}: {self.describe()}"

    def describe(self) -> str:
        """What is followed, in words."""
        if self.target == self.Target.ORGANIZATION:
            return str(self.organization)
        if self.target == self.Target.PAPER:
            return _("Vorlage %(reference)s") % {"reference": self.key}
        return _("search “%(query)s”") % {"query": self.key}


class AccessibilityFeedback(models.Model):
    """A message sent through the accessibility statement's form: a barrier someone met, or a question.

    BITV 2.0 § 7 asks for a way to report barriers; the council office reads these at
    /barrierefreiheit/rueckmeldungen/ (and in the admin) and answers by the address given.
    """

    message = models.TextField(_("message"), help_text=_("What did not work, and where."))
    page = models.CharField(
        _("page"), max_length=500, blank=True, help_text=_("The address of the page concerned, if the sender gave it.")
    )
    name = models.CharField(_("name"), max_length=200, blank=True, help_text=_("Optional."))
    email = models.EmailField(_("e-mail"), blank=True, help_text=_("Where the answer goes; optional."))
    created = models.DateTimeField(_("received"), auto_now_add=True, help_text=_("When the message came in."))

    class Meta:
        verbose_name = _("accessibility feedback")
        verbose_name_plural = _("accessibility feedback")
        ordering = ["-created", "-pk"]

    def __str__(self):
        return self.message[:60]
