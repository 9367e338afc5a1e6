"""The Vorlage and what becomes of it: Beratungsfolge, attachments, decisions and votes.

OParl 1.1 names: Paper (Vorlage), Consultation (a step of the Beratungsfolge), File
(Attachment here). OParl has no Decision object; it carries the result on the AgendaItem.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from council.collation import german
from council.models import AgendaItem, Body, Meeting, Organization, Person, TimeStampedModel
from council.roles import actor_for

# What a Vorlage's reference may look like: our own KSD numbers are eight digits (20135317), but
# history imported from another system keeps its references as given, e.g. "VO/2013/0123" or
# "0815/2013". Segments of letters, digits, dots, dashes and underscores, separated by single
# slashes, each starting with a letter or digit: no empty or dot-only segment, which a browser
# would fold away in a URL. Shared by the `paper_reference_format` constraint and the URL converter.
REFERENCE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*)*"
REFERENCE_MAX_LENGTH = 50
# A Fraktion's Antrag or Anfrage gets its KSD number when the council office receives it; until
# then it is addressed by a provisional reference of this prefix and a random part.
PROVISIONAL_REFERENCE_PREFIX = "Entwurf-"


class PaperQuerySet(models.QuerySet):
    def released(self):
        """Vorlagen that have left the administration: released, in consultation, decided or withdrawn after."""
        return self.filter(released_at__isnull=False)

    def public(self):
        """What anyone may read: released and public."""
        return self.released().filter(public=True)

    def drafts(self):
        return self.filter(state=Paper.State.DRAFT)

    def visible_to(self, user):
        """Vorlagen the user may read, by the rules of DESIGN.md.

        Anyone: released public ones. Council members: also the non-public ones put before
        an organization they belong to. Clerks and heads: everything of their units, drafts
        included. The people of a Fraktion: its own Anträge and Anfragen, drafts included. The
        office and administrators: everything.
        """
        actor = actor_for(user)
        if actor.is_office:
            return self.all()
        visible = Q(released_at__isnull=False, public=True)
        if actor.organization_ids:
            visible |= Q(released_at__isnull=False, consultations__organization_id__in=actor.organization_ids)
        if actor.unit_ids and (actor.is_clerk or actor.is_head):
            visible |= Q(under_direction_of_id__in=actor.unit_ids)
        if actor.faction_ids:
            # The Anträge and Anfragen a Fraktion drafts, drafts included, for its people.
            visible |= Q(under_direction_of_id__in=actor.faction_ids)
        if actor.is_head:
            # A head of another unit asked to co-sign (e.g. the Kämmerei) must read what they sign.
            visible |= Q(cosignatures__signer=actor.user)
        if not actor.organization_ids and not actor.is_head:
            return self.filter(visible)
        # The join through consultations can repeat a paper; a subquery keeps the rows unique.
        return self.filter(pk__in=self.model.objects.filter(visible).values("pk"))


class Paper(TimeStampedModel):
    """A Vorlage: what the administration or a Fraktion puts before the council."""

    class Type(models.TextChoices):
        RESOLUTION = "Beschlussvorlage", _("Beschlussvorlage")
        INFORMATION = "Informationsvorlage", _("Informationsvorlage")
        MOTION = "Antrag", _("Antrag")
        INQUIRY = "Anfrage", _("Anfrage")
        COMMUNICATION = "Mitteilung", _("Mitteilung")
        REPORT = "Berichtsvorlage", _("Berichtsvorlage")

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        COSIGNING = "cosigning", _("in co-signing")
        RELEASED = "released", _("released")
        IN_CONSULTATION = "in_consultation", _("in consultation")
        DECIDED = "decided", _("decided")
        WITHDRAWN = "withdrawn", _("withdrawn")

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="papers", help_text=_("Whose Vorlage.")
    )
    # The KSD number (Kommunales Sitzungsdienst-Aktenzeichen): YYYY + four digits, the year
    # being the year of the paper's date. Allocated once by resolutions.services, never reused.
    # A Vorlage imported from another system keeps that system's reference (REFERENCE_PATTERN).
    reference = models.CharField(
        _("KSD number"),
        max_length=REFERENCE_MAX_LENGTH,
        help_text=_("Year and a four-digit serial number, e.g. 20135317; imported Vorlagen keep theirs as given."),
    )
    paper_type = models.CharField(
        _("type"), max_length=30, choices=Type.choices, default=Type.RESOLUTION, help_text=_("OParl paperType.")
    )
    subject_line = models.CharField(
        _("subject line"),
        max_length=300,
        blank=True,
        help_text=_('The programme or matter above the title, e.g. Bund-Länder-Programm "Soziale Stadt".'),
    )
    name = models.CharField(_("title"), max_length=500, help_text=_("What the Vorlage is about, in one line."))
    date = models.DateField(_("date"), help_text=_("The date the Vorlage bears; its year is the KSD year."))
    explanation = models.TextField(
        _("Sachverhalt"), blank=True, help_text=_("The explanation, in Markdown (paragraphs, lists, emphasis).")
    )
    proposal_addressee = models.CharField(
        _("addressee line"),
        max_length=200,
        blank=True,
        default="Der Stadtrat möge wie folgt beschließen:",
        help_text=_("The line that opens the ANTRAG block."),
    )
    proposal = models.TextField(
        _("Beschlussvorschlag"), blank=True, help_text=_("The text the council is asked to resolve, in Markdown.")
    )
    financial_impact = models.TextField(
        _("financial impact"), blank=True, help_text=_("Costs and funding, or that there are none.")
    )
    # OParl underDirectionOf: the unit that drafted the paper and answers for it.
    under_direction_of = models.ForeignKey(
        Organization,
        verbose_name=_("originating unit"),
        on_delete=models.PROTECT,
        related_name="papers_directed",
        help_text=_("The Verwaltungsbereich that wrote this Vorlage."),
    )
    originator_persons = models.ManyToManyField(
        Person,
        verbose_name=_("originators"),
        blank=True,
        related_name="papers_originated",
        help_text=_("The people who wrote or signed it."),
    )
    originator_organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("originating organizations"),
        blank=True,
        related_name="papers_originated",
        help_text=_("For an Antrag: the Fraktion(en) that moved it."),
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=State.choices,
        default=State.DRAFT,
        editable=False,  # only the services in resolutions.services move a paper
        help_text=_("Where the Vorlage stands on its path."),
    )
    public = models.BooleanField(
        _("public"), default=True, help_text=_("Non-public Vorlagen are shown to members of their bodies only.")
    )
    released_at = models.DateTimeField(
        _("released at"), null=True, blank=True, editable=False, help_text=_("When it was released.")
    )
    # Optimistic lock: every save through the services increments it, and a save based on
    # an older version is refused instead of overwriting someone else's work.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False, help_text=_("Edit counter."))

    history = HistoricalRecords(excluded_fields=["modified"])
    objects = PaperQuerySet.as_manager()

    class Meta:
        verbose_name = _("Vorlage")
        verbose_name_plural = _("Vorlagen")
        ordering = ["-date", "-reference"]
        constraints = [
            models.UniqueConstraint(fields=["body", "reference"], name="paper_unique_reference_per_body"),
            models.CheckConstraint(
                condition=Q(reference__regex=rf"^(?:{REFERENCE_PATTERN})$"), name="paper_reference_format"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="paper_version_positive"),
        ]
        indexes = [
            models.Index(fields=["state", "-date"], name="paper_state_date"),
            # The page, the PDF and the page cache find a Vorlage by its reference alone.
            models.Index(fields=["reference"], name="paper_reference"),
            # OParl's modified_since/modified_until and their keyset order.
            models.Index(fields=["modified", "id"], name="paper_modified_id"),
            # The public Vorlagen of a body in id order: OParl's list, its count and its pages.
            models.Index(
                fields=["body", "id"],
                name="paper_public_body_id",
                condition=Q(released_at__isnull=False, public=True),
            ),
            # The public Vorlagen newest first, as /vorlagen/ and an organization's page list them:
            # read in index order, a page stops after its rows instead of sorting every public one.
            # The condition is `PaperQuerySet.public()` as it reaches SQL; a differing one goes unused.
            models.Index(
                fields=["-date", "-reference", "-id"],
                name="paper_public_newest",
                condition=Q(released_at__isnull=False, public=True),
            ),
            # The same, filtered by state (/vorlagen/?state=decided).
            models.Index(
                fields=["state", "-date", "-reference", "-id"],
                name="paper_public_state_newest",
                condition=Q(released_at__isnull=False, public=True),
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.name}"

    def get_absolute_url(self):
        return reverse("resolutions:paper_detail", kwargs={"reference": self.reference})

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def has_ksd_number(self) -> bool:
        """False while a Fraktion's paper waits for its number from the council office."""
        return not self.reference.startswith(PROVISIONAL_REFERENCE_PREFIX)


class ReferenceCounter(models.Model):
    """The last KSD serial number handed out for a body and year; it only ever grows."""

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="+", help_text=_("Whose numbers.")
    )
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("The year part of the numbers."))
    last_number = models.PositiveIntegerField(_("last number"), default=0, help_text=_("Highest serial used."))

    class Meta:
        verbose_name = _("KSD counter")
        verbose_name_plural = _("KSD counters")
        constraints = [
            models.UniqueConstraint(fields=["body", "year"], name="referencecounter_unique_body_year"),
            models.CheckConstraint(condition=Q(last_number__lte=9999), name="referencecounter_four_digits"),
        ]

    def __str__(self):
        return f"{self.body} {self.year}: {self.last_number:04d}"


class PaperEvent(models.Model):
    """One step on a Vorlage's path: who moved it, when, from where to where, and why."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        SUBMITTED = "submitted", _("submitted for co-signing")
        COSIGNED = "cosigned", _("co-signed")
        RETURNED = "returned", _("returned")
        RELEASED = "released", _("released")
        SCHEDULED = "scheduled", _("put on an agenda")
        UNSCHEDULED = "unscheduled", _("taken off the agenda")
        DEFERRED = "deferred", _("deferred")
        ADVANCED = "advanced", _("recommendation recorded")
        DECIDED = "decided", _("decided")
        WITHDRAWN = "withdrawn", _("withdrawn")

    paper = models.ForeignKey(
        Paper, verbose_name=_("Vorlage"), on_delete=models.CASCADE, related_name="events", help_text=_("Which.")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, help_text=_("What happened."))
    from_state = models.CharField(
        _("from state"), max_length=20, choices=Paper.State.choices, blank=True, help_text=_("State before.")
    )
    to_state = models.CharField(_("to state"), max_length=20, choices=Paper.State.choices, help_text=_("State after."))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who did it."),
    )
    comment = models.TextField(_("comment"), blank=True, help_text=_("Why, in the actor's words."))
    # What an agenda move or a result concerns. The timeline names the meeting, the item's
    # number and the result from these rows when it is shown, never from copied text: a TOP
    # number may shift and a result at a non-public item must stay with those who may see it
    # (see resolutions.queries.timeline_of).
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The meeting whose agenda the Vorlage was put on, taken off or deferred to."),
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The agenda item concerned; empty once it is taken off the agenda."),
    )
    decision = models.ForeignKey(
        "Decision",
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The result that moved the Vorlage on."),
    )
    created = models.DateTimeField(_("when"), auto_now_add=True, help_text=_("When it happened."))

    class Meta:
        verbose_name = _("Vorlage event")
        verbose_name_plural = _("Vorlage events")
        ordering = ["paper", "created", "pk"]

    def __str__(self):
        return f"{self.paper.reference}: {self.get_action_display()}"


class Cosignature(TimeStampedModel):
    """A department head asked to co-sign a Vorlage (Mitzeichnung), and whether they did."""

    paper = models.ForeignKey(
        Paper, verbose_name=_("Vorlage"), on_delete=models.CASCADE, related_name="cosignatures", help_text=_("Which.")
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("co-signer"),
        on_delete=models.PROTECT,
        related_name="cosignatures",
        help_text=_("The department head asked to sign."),
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True, help_text=_("Empty until signed."))

    class Meta:
        verbose_name = _("co-signature")
        verbose_name_plural = _("co-signatures")
        constraints = [models.UniqueConstraint(fields=["paper", "signer"], name="cosignature_once_per_signer")]

    def __str__(self):
        return f"{self.paper.reference}: {self.signer}"


class Consultation(TimeStampedModel):
    """One step of the Beratungsfolge: an organization deliberates the Vorlage in a role."""

    class Role(models.TextChoices):
        PRELIMINARY = "Vorberatung", _("Vorberatung")
        DECISION = "Entscheidung", _("Entscheidung")
        NOTICE = "Kenntnisnahme", _("Kenntnisnahme")
        HEARING = "Anhörung", _("Anhörung")

    paper = models.ForeignKey(
        Paper,
        verbose_name=_("Vorlage"),
        on_delete=models.CASCADE,
        related_name="consultations",
        help_text=_("Which Vorlage."),
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="consultations",
        help_text=_("The committee or council that deliberates."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, help_text=_("What it does with it."))
    authoritative = models.BooleanField(
        _("decides"), default=False, help_text=_("Whether this step decides the Vorlage (exactly one does).")
    )
    order = models.PositiveSmallIntegerField(_("order"), help_text=_("Position in the Beratungsfolge, from 1."))
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations",
        help_text=_("Where it is, or was last, on an agenda."),
    )

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["paper", "order"]
        # OParl: a Paper changed since a date when one of its steps did.
        indexes = [models.Index(fields=["modified"], name="consultation_modified")]
        constraints = [
            models.UniqueConstraint(fields=["paper", "order"], name="consultation_unique_order"),
            models.UniqueConstraint(
                fields=["paper"], condition=Q(authoritative=True), name="consultation_one_authoritative"
            ),
        ]

    def __str__(self):
        return f"{self.paper.reference} – {self.order}. {self.organization} ({self.get_role_display()})"


def attachment_upload_to(instance, filename):
    # The stored name is not the displayed one; keeping it under the KSD number makes the
    # media folder browsable for an operator without exposing anything through URLs.
    return f"attachments/{instance.paper.reference}/{filename}"


class AttachmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Attachments the user may download.

        The Vorlage must be visible to the user; a non-public attachment additionally needs
        an insider: a clerk or head of the originating unit, or a member of an organization
        the Vorlage is put before. The office and administrators see everything.
        """
        actor = actor_for(user)
        # EXISTS on the row's own paper rather than IN over every visible one: the same rows,
        # and cheap inside a correlated subquery (OParl's modified of a Paper).
        on_visible_paper = self.filter(
            models.Exists(Paper.objects.visible_to(user).filter(pk=models.OuterRef("paper_id")))
        )
        if actor.is_office:
            return on_visible_paper
        allowed = Q(public=True)
        if actor.unit_ids and (actor.is_clerk or actor.is_head):
            allowed |= Q(paper__under_direction_of_id__in=actor.unit_ids)
        if actor.organization_ids:
            member_papers = Paper.objects.filter(consultations__organization_id__in=actor.organization_ids)
            allowed |= Q(paper__in=member_papers.values("pk"))
        return on_visible_paper.filter(allowed)


class CheckedFile(TimeStampedModel):
    """What `resolutions.attachments.inspect_upload` found out about a stored file, for every kind of document."""

    file_name = models.CharField(
        _("file name"), max_length=200, help_text=_("The sanitised name offered for download.")
    )
    mime_type = models.CharField(_("MIME type"), max_length=100, help_text=_("Detected from the content."))
    size = models.PositiveBigIntegerField(_("size"), help_text=_("In bytes."))
    sha512 = models.CharField(_("SHA-512"), max_length=128, help_text=_("Checksum of the content, hex."))
    text = models.TextField(_("extracted text"), blank=True, help_text=_("Text taken from the file for search."))

    class TextState(models.TextChoices):
        PENDING = "pending", _("text is being extracted")
        EXTRACTED = "extracted", _("text extracted")
        NONE = "none", _("no text taken from this type")
        LIMITED = "limited", _("no text: too large or complex to read within the limits")
        UNREADABLE = "unreadable", _("no text: the file could not be read")

    text_state = models.CharField(
        _("text state"),
        max_length=20,
        choices=TextState.choices,
        default=TextState.EXTRACTED,
        help_text=_("Whether the text for search was taken, is still being taken, or why there is none."),
    )
    # Set when the upload passed resolutions.filecheck; imported files did not, and are never shown inline.
    checked = models.BooleanField(
        _("checked"), default=False, help_text=_("Whether the content passed the checks for active content.")
    )

    class Meta:
        abstract = True

    @property
    def text_missing_note(self) -> str:
        """Why a file that should have text for search has none, for the people who look after it."""
        if self.text_state in (self.TextState.LIMITED, self.TextState.UNREADABLE):
            return str(self.get_text_state_display())
        return ""


class Attachment(CheckedFile):
    """A file attached to a Vorlage (OParl File)."""

    class Type(models.TextChoices):
        FOUNDING_DECLARATION = "Gründungserklärung", _("Gründungserklärung")
        ACCESSION_DECLARATION = "Beitrittserklärung", _("Beitrittserklärung")
        ANNEX = "Anlage", _("Anlage")
        PLAN = "Plan", _("Plan")
        OPINION = "Stellungnahme", _("Stellungnahme")
        OTHER = "Sonstiges", _("Other")

    paper = models.ForeignKey(
        Paper, verbose_name=_("Vorlage"), on_delete=models.CASCADE, related_name="attachments", help_text=_("Which.")
    )
    attachment_type = models.CharField(
        _("type"), max_length=30, choices=Type.choices, default=Type.ANNEX, help_text=_("What kind of document.")
    )
    name = models.CharField(_("name"), max_length=300, help_text=_("How the attachment is listed, e.g. Anlage 1."))
    public = models.BooleanField(
        _("public"), default=True, help_text=_("Non-public attachments are never shown to the public.")
    )
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=300, help_text=_("The document."))
    order = models.PositiveSmallIntegerField(_("order"), default=1, help_text=_("Position in the list of annexes."))

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["paper", "order", "pk"]
        indexes = [models.Index(fields=["modified"], name="attachment_modified")]
        constraints = [
            models.CheckConstraint(condition=Q(sha512__regex=r"^[0-9a-f]{128}$"), name="attachment_sha512_hex"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("resolutions:attachment_download", kwargs={"reference": self.paper.reference, "pk": self.pk})


def item_document_upload_to(instance, filename):
    # By meeting, like the attachments by KSD number: browsable for an operator, never a URL.
    return f"meeting-documents/{instance.agenda_item.meeting_id}/{filename}"


class ItemDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Documents the user may download: those of the agenda items the user may see."""
        return self.filter(agenda_item__in=AgendaItem.objects.visible_to(user).values("pk"))


class ItemDocument(CheckedFile):
    """A document of an agenda item without a Vorlage (a report under Mitteilungen, a presentation)."""

    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        related_name="documents",
        help_text=_("The free item the document belongs to; it is as public as the item."),
    )
    name = models.CharField(_("name"), max_length=300, help_text=_("How the document is listed."))
    file = models.FileField(_("file"), upload_to=item_document_upload_to, max_length=300, help_text=_("The document."))

    objects = ItemDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("agenda item document")
        verbose_name_plural = _("agenda item documents")
        ordering = ["agenda_item", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(sha512__regex=r"^[0-9a-f]{128}$"), name="itemdocument_sha512_hex"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(
            "resolutions:item_document_download",
            kwargs={"pk": self.agenda_item.meeting_id, "item": self.agenda_item_id, "document": self.pk},
        )


class DecisionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Decisions the user may read: those taken in public, or in an organization the user sits in.

        A decision taken at a non-public agenda item stays with the members of that
        organization and the office, even when the Vorlage itself is public.
        """
        actor = actor_for(user)
        if actor.is_office:
            return self.all()
        in_public = Q(agenda_item__public=True) | (
            Q(agenda_item__isnull=True)
            & (Q(consultation__agenda_item__isnull=True) | Q(consultation__agenda_item__public=True))
        )
        if actor.organization_ids:
            in_public |= Q(consultation__organization_id__in=actor.organization_ids)
        return self.filter(in_public)


class Decision(TimeStampedModel):
    """What an organization resolved on one step of the Beratungsfolge, and how it voted."""

    class Result(models.TextChoices):
        ADOPTED = "beschlossen", _("beschlossen")
        ADOPTED_AMENDED = "geändert beschlossen", _("geändert beschlossen")
        REJECTED = "abgelehnt", _("abgelehnt")
        DEFERRED = "vertagt", _("vertagt")
        REFERRED = "verwiesen", _("verwiesen")
        WITHDRAWN = "zurückgezogen", _("zurückgezogen")
        NOTED = "zur Kenntnis genommen", _("zur Kenntnis genommen")
        # A wording another system recorded that fits none of the above; `result_wording` keeps it.
        OTHER = "sonstiges", pgettext_lazy("decision result", "other")

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="decisions",
        help_text=_("The Beratungsfolge step decided on."),
    )
    agenda_item = models.OneToOneField(
        AgendaItem,
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decision",
        help_text=_("Where it was decided."),
    )
    result = models.CharField(_("result"), max_length=30, choices=Result.choices, help_text=_("What was resolved."))
    # The result as the system it was imported from recorded it ("Kenntnisnahme", "verwiesen in den
    # Gemeinderat"): shown instead of our category wherever the decision is shown.
    result_wording = models.CharField(
        _("result as recorded"),
        max_length=300,
        blank=True,
        help_text=_("The result in the words of the system it was imported from; empty for our own."),
    )
    resolution_text = models.TextField(
        _("resolution text"), blank=True, help_text=_("The wording as resolved (OParl resolutionText).")
    )
    date = models.DateField(_("date"), help_text=_("The day of the decision."))
    votes_yes = models.PositiveSmallIntegerField(_("yes"), default=0, help_text=_("Votes in favour."))
    votes_no = models.PositiveSmallIntegerField(_("no"), default=0, help_text=_("Votes against."))
    votes_abstain = models.PositiveSmallIntegerField(_("abstentions"), default=0, help_text=_("Abstentions."))
    # Befangen: members excluded for conflict of interest (§ 22 GemO RP); they do not vote.
    votes_biased = models.PositiveSmallIntegerField(
        _("excluded (befangen)"), default=0, help_text=_("Members who did not take part for bias.")
    )
    unanimous = models.BooleanField(
        _("unanimous"), default=False, help_text=_("Einstimmig: nobody voted against (abstentions are possible).")
    )

    history = HistoricalRecords(excluded_fields=["modified"])
    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(votes_yes__gte=0, votes_no__gte=0, votes_abstain__gte=0, votes_biased__gte=0),
                name="decision_votes_not_negative",
            ),
            models.CheckConstraint(
                # "Einstimmig bei Enthaltungen" is a common record: only a no-vote breaks unanimity.
                condition=Q(unanimous=False) | Q(votes_no=0),
                name="decision_unanimous_means_no_dissent",
            ),
        ]

    def __str__(self):
        return f"{self.consultation.paper.reference}: {self.get_result_display()} ({self.date:%d.%m.%Y})"

    @property
    def votes_cast(self) -> int:
        return self.votes_yes + self.votes_no + self.votes_abstain

    @property
    def result_label(self) -> str:
        """The result as shown: the wording recorded at the source, else our category."""
        return self.result_wording or str(self.get_result_display())

    @property
    def is_positive(self) -> bool:
        return self.result in (self.Result.ADOPTED, self.Result.ADOPTED_AMENDED)

    VOTE_FIELDS = ("votes_yes", "votes_no", "votes_abstain", "votes_biased")

    @property
    def votes_without_faction(self) -> dict[str, int] | None:
        """The votes the rows by Fraktion leave to members without a Fraktion (the mayor, say).

        With the rows and this remainder the breakdown adds up to the totals; None when
        there are no rows by Fraktion or they make the totals already. Reads the
        prefetched ``faction_votes``.
        """
        rows = list(self.faction_votes.all())
        if not rows:
            return None
        rest = {field: getattr(self, field) - sum(getattr(row, field) for row in rows) for field in self.VOTE_FIELDS}
        if not any(value > 0 for value in rest.values()):
            return None
        return {field: max(value, 0) for field, value in rest.items()}


class ResultWording(models.Model):
    """A result wording of another council system and the category it means here.

    The importer knows the common SessionNet, ALLRIS and SD.NET wordings; a municipality adds
    its own here, and a row here wins over the built-in reading of the same wording.
    """

    wording = models.CharField(
        _("wording"),
        max_length=300,
        unique=True,
        help_text=_("The result as the other system writes it, e.g. “Kenntnisnahme”; case and spaces do not count."),
    )
    result = models.CharField(
        _("result"), max_length=30, choices=Decision.Result.choices, help_text=_("What it means here.")
    )

    class Meta:
        verbose_name = _("result wording")
        verbose_name_plural = _("result wordings")
        ordering = ["wording"]

    def __str__(self):
        return f"{self.wording} → {self.get_result_display()}"


class FactionVote(TimeStampedModel):
    """How one Fraktion voted on a decision."""

    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        on_delete=models.CASCADE,
        related_name="faction_votes",
        help_text=_("Which vote."),
    )
    faction = models.ForeignKey(
        Organization,
        verbose_name=_("Fraktion"),
        on_delete=models.PROTECT,
        related_name="faction_votes",
        help_text=_("Whose votes."),
    )
    votes_yes = models.PositiveSmallIntegerField(_("yes"), default=0, help_text=_("Votes in favour."))
    votes_no = models.PositiveSmallIntegerField(_("no"), default=0, help_text=_("Votes against."))
    votes_abstain = models.PositiveSmallIntegerField(_("abstentions"), default=0, help_text=_("Abstentions."))
    votes_biased = models.PositiveSmallIntegerField(
        _("excluded (befangen)"), default=0, help_text=_("Members who did not take part for bias.")
    )

    class Meta:
        verbose_name = _("vote of a Fraktion")
        verbose_name_plural = _("votes by Fraktion")
        ordering = ["decision", german("faction__name")]
        constraints = [
            models.UniqueConstraint(fields=["decision", "faction"], name="factionvote_once_per_faction"),
            models.CheckConstraint(
                condition=Q(votes_yes__gte=0, votes_no__gte=0, votes_abstain__gte=0, votes_biased__gte=0),
                name="factionvote_votes_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.faction}: {self.votes_yes}/{self.votes_no}/{self.votes_abstain}"


def minutes_upload_to(instance, filename):
    # Under the meeting's number, like attachments under their KSD number: an operator can
    # find a meeting's Niederschrift in the media folder without a database at hand.
    return f"minutes/{instance.meeting_id}/{filename}"


class Minutes(TimeStampedModel):
    """The finalised Niederschrift of a held meeting: two PDFs stored once and never rendered again.

    Finalising writes the row; a task renders both PDFs as of `finalised_at` and stores them
    with their checksums (`rendered_at` set), off the request. Later edits of decisions do not
    change it; the checksums prove that the files served are the ones finalised.
    """

    meeting = models.OneToOneField(
        "council.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.PROTECT,
        related_name="minutes",
        help_text=_("The held meeting these minutes record."),
    )
    file = models.FileField(
        _("file"),
        upload_to=minutes_upload_to,
        max_length=300,
        blank=True,
        help_text=_("The full minutes, the non-public part included, as PDF."),
    )
    public_file = models.FileField(
        _("public file"),
        upload_to=minutes_upload_to,
        max_length=300,
        blank=True,
        help_text=_("The minutes of the public part alone, as PDF, for everyone else."),
    )
    sha512 = models.CharField(
        _("SHA-512"), max_length=128, blank=True, help_text=_("Checksum of the full minutes, hex.")
    )
    public_sha512 = models.CharField(
        _("public SHA-512"), max_length=128, blank=True, help_text=_("Checksum of the public minutes, hex.")
    )
    finalised_at = models.DateTimeField(_("finalised at"), help_text=_("When the council office finalised them."))
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finalised by"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Who in the council office finalised them."),
    )
    rendered_at = models.DateTimeField(
        _("rendered at"),
        null=True,
        blank=True,
        help_text=_("When the task stored the PDFs; empty while they are being rendered."),
    )

    class Meta:
        verbose_name = _("Niederschrift")
        verbose_name_plural = _("Niederschriften")
        constraints = [
            # Checksums exactly when rendered.
            models.CheckConstraint(
                condition=Q(rendered_at__isnull=True, sha512="")
                | Q(rendered_at__isnull=False, sha512__regex=r"^[0-9a-f]{128}$"),
                name="minutes_sha512_hex",
            ),
            models.CheckConstraint(
                condition=Q(rendered_at__isnull=True, public_sha512="")
                | Q(rendered_at__isnull=False, public_sha512__regex=r"^[0-9a-f]{128}$"),
                name="minutes_public_sha512_hex",
            ),
        ]

    @property
    def is_rendered(self) -> bool:
        return self.rendered_at is not None

    def __str__(self):
        return str(self.meeting)


# The Beschlusskontrolle lives in a package of its own; importing it here makes its models the app's.
from resolutions.tracking.models import ProgressReport, Tracking, TrackingReminder, TrackingReport  # noqa: E402, F401
