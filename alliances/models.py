"""Alliances (Bündnisse) a body takes part in, how each membership was decided, who sits where."""

from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from council.models import Body, Organization, Person, TimeStampedModel
from resolutions.models import Attachment, Decision, Paper


class AllianceQuerySet(models.QuerySet):
    def with_own_membership(self):
        """Annotate each alliance with the state and joining day of its own body's membership.

        `own_state` and `own_joined_on` are None where the body is no member (yet).
        """
        own = AllianceMembership.objects.filter(alliance=OuterRef("pk"), member_body=OuterRef("body"))
        return self.annotate(
            own_state=Subquery(own.values("state")[:1]), own_joined_on=Subquery(own.values("joined_on")[:1])
        )


class Alliance(TimeStampedModel):
    """A Bündnis: a voluntary alliance of municipalities, associations and institutions."""

    body = models.ForeignKey(
        Body,
        verbose_name=_("body"),
        on_delete=models.CASCADE,
        related_name="alliances",
        help_text=_("The body whose records hold this alliance."),
    )
    # Unique across bodies, because the public address /buendnisse/<slug>/ names no body.
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, help_text=_("The last part of the alliance's web address.")
    )
    name = models.CharField(_("name"), max_length=300, help_text=_("The alliance's full name."))
    short_name = models.CharField(
        _("short name"), max_length=100, blank=True, help_text=_("E.g. Bündnis Soziale Stadt RLP.")
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True, help_text=_("Day of the founding."))
    founded_at = models.CharField(
        _("founded at"), max_length=100, blank=True, help_text=_("Place of the founding, e.g. Trier.")
    )
    founding_note = models.TextField(
        _("founding note"), blank=True, help_text=_("Circumstances of the founding, e.g. who attended.")
    )
    membership_fee = models.CharField(
        _("membership fee"),
        max_length=200,
        blank=True,
        help_text=_("What members pay, or that there is no fee."),
    )
    founding_declaration = models.ForeignKey(
        Attachment,
        verbose_name=_("founding declaration"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The Gründungserklärung, as attached to a Vorlage."),
    )
    website = models.URLField(_("website"), blank=True, help_text=_("The alliance's own website, if any."))

    objects = AllianceQuerySet.as_manager()

    class Meta:
        verbose_name = _("alliance")
        verbose_name_plural = _("alliances")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("alliances:alliance_detail", kwargs={"slug": self.slug})


class AllianceAim(TimeStampedModel):
    """One of the aims (Zielsetzungen) an alliance states."""

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE, related_name="aims", help_text=_("Whose aim.")
    )
    order = models.PositiveSmallIntegerField(_("order"), help_text=_("Position in the list, from 1."))
    text = models.TextField(_("text"), help_text=_("The aim, as the alliance words it."))

    class Meta:
        verbose_name = _("aim")
        verbose_name_plural = _("aims")
        ordering = ["alliance", "order"]
        constraints = [models.UniqueConstraint(fields=["alliance", "order"], name="allianceaim_unique_order")]

    def __str__(self):
        return self.text[:80]


class AllianceMembership(TimeStampedModel):
    """A body's or organization's part in an alliance, as initiator or member."""

    class Role(models.TextChoices):
        INITIATOR = "initiator", _("initiator")
        MEMBER = "member", _("member")
        PARTNER = "partner", _("partner")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        JOINED = "joined", _("joined")
        REJECTED = "rejected", _("rejected")
        LEFT = "left", _("left")

    alliance = models.ForeignKey(
        Alliance,
        verbose_name=_("alliance"),
        on_delete=models.CASCADE,
        related_name="memberships",
        help_text=_("Which alliance."),
    )
    # Exactly one of the two: a municipality joins as a body, an association as an organization.
    member_body = models.ForeignKey(
        Body,
        verbose_name=_("member body"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alliance_memberships",
        help_text=_("A municipality that is a member."),
    )
    member_organization = models.ForeignKey(
        Organization,
        verbose_name=_("member organization"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alliance_memberships",
        help_text=_("An association or institution that is a member."),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.MEMBER, help_text=_("Initiator or member.")
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=State.choices,
        default=State.PROPOSED,
        help_text=_("Proposed until the council decides; then joined or rejected; left after an exit."),
    )
    paper = models.ForeignKey(
        Paper,
        verbose_name=_("deciding Vorlage"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alliance_memberships",
        help_text=_("The Vorlage whose decision settles this membership."),
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alliance_memberships",
        help_text=_("The authoritative decision that settled it."),
    )
    accession_declaration = models.ForeignKey(
        Attachment,
        verbose_name=_("accession declaration"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The Beitrittserklärung, from the Vorlage's attachments."),
    )
    # The Vorlage whose positive decision ends the membership; the exit takes the decision's date.
    exit_paper = models.ForeignKey(
        Paper,
        verbose_name=_("exit Vorlage"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alliance_exits",
        help_text=_("The Vorlage whose decision ends this membership."),
    )
    proposed_on = models.DateField(_("proposed on"), null=True, blank=True, help_text=_("When it was proposed."))
    joined_on = models.DateField(_("joined on"), null=True, blank=True, help_text=_("The day of the decision to join."))
    left_on = models.DateField(_("left on"), null=True, blank=True, help_text=_("The day the exit took effect."))

    history = HistoricalRecords(excluded_fields=["modified"])

    class Meta:
        verbose_name = _("alliance membership")
        verbose_name_plural = _("alliance memberships")
        ordering = ["alliance", "role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(member_body__isnull=False) & Q(member_organization__isnull=True))
                | (Q(member_body__isnull=True) & Q(member_organization__isnull=False)),
                name="alliancemembership_exactly_one_member",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | (Q(joined_on__isnull=False) & Q(left_on__gte=F("joined_on"))),
                name="alliancemembership_leave_after_join",
            ),
            models.CheckConstraint(
                condition=~Q(state="joined") | Q(joined_on__isnull=False),
                name="alliancemembership_joined_has_date",
            ),
            models.UniqueConstraint(
                fields=["alliance", "member_body"],
                condition=Q(member_body__isnull=False),
                name="alliancemembership_unique_body",
            ),
            models.UniqueConstraint(
                fields=["alliance", "member_organization"],
                condition=Q(member_organization__isnull=False),
                name="alliancemembership_unique_organization",
            ),
        ]

    def __str__(self):
        return f"{self.member} – {self.alliance}"

    @property
    def member(self):
        return self.member_body or self.member_organization


class Representation(TimeStampedModel):
    """A seat a member holds in one of the alliance's groups, and who fills it."""

    membership = models.ForeignKey(
        AllianceMembership,
        verbose_name=_("membership"),
        on_delete=models.CASCADE,
        related_name="representations",
        help_text=_("Whose seat."),
    )
    group = models.CharField(
        _("group"), max_length=200, help_text=_("The alliance's body the seat is in, e.g. Steuerungsgruppe.")
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="representations",
        help_text=_("Who fills the seat, if known here."),
    )
    description = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_("Who fills the seat, where no person is recorded, e.g. Bereichsleiterin 5-11."),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True, help_text=_("First day in the seat."))
    end_date = models.DateField(_("end date"), null=True, blank=True, help_text=_("Last day in the seat."))

    class Meta:
        verbose_name = _("representation")
        verbose_name_plural = _("representations")
        ordering = ["membership", "group", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="representation_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(description=""), name="representation_names_someone"
            ),
        ]

    def __str__(self):
        return f"{self.person or self.description} – {self.group}"
