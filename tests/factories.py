"""factory_boy factories for every model, shared by all tests."""

import datetime
import hashlib

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from alliances.models import Alliance, AllianceAim, AllianceMembership, Representation
from council.models import (
    AgendaItem,
    Attendance,
    Body,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Organization,
    Person,
    Subscription,
)
from council.roles import Role
from resolutions.models import Attachment, Consultation, Decision, FactionVote, Paper, ProgressReport, Tracking


def pdf_bytes(*objects: bytes, root: int = 1) -> bytes:
    """A PDF of the given object bodies (numbered from 1) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root %d 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


TINY_PDF = pdf_bytes(
    b"<</Type/Catalog/Pages 2 0 R>>",
    b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
    b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>",
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("ratsbuch-test")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """UserFactory(roles=[Role.CLERK]) puts the user into the role's group."""
        for role in extracted or []:
            group, _created = Group.objects.get_or_create(name=Role(role).value)
            self.groups.add(group)


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body
        django_get_or_create = ("ags",)

    name = "Stadt Ludwigshafen am Rhein"
    short_name = "Ludwigshafen"
    ags = "07314000"


class OtherBodyFactory(BodyFactory):
    name = "Stadt Mainz"
    short_name = "Mainz"
    ags = "07315000"


class LegislativeTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegislativeTerm

    body = factory.SubFactory(BodyFactory)
    name = "Wahlperiode 2009–2014"
    start_date = datetime.date(2009, 7, 1)
    end_date = datetime.date(2014, 6, 30)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    body = factory.SubFactory(BodyFactory)
    description = "Stadtratssaal"
    street_address = "Rathausplatz 20"
    postal_code = "67059"
    locality = "Ludwigshafen am Rhein"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    body = factory.SubFactory(BodyFactory)
    name = factory.Sequence(lambda n: f"Ausschuss {n}")
    organization_type = Organization.Type.COMMITTEE


class CommitteeFactory(OrganizationFactory):
    organization_type = Organization.Type.COMMITTEE


class FactionFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"Fraktion {n}")
    organization_type = Organization.Type.FACTION


class UnitFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"Bereich 5-{n}")
    short_name = factory.Sequence(lambda n: f"5-{n}")
    organization_type = Organization.Type.ADMINISTRATIVE_UNIT


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    body = factory.SubFactory(BodyFactory)
    given_name = "Eva"
    family_name = factory.Sequence(lambda n: f"Muster{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "Mitglied"
    start_date = datetime.date(2009, 7, 1)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    body = factory.SubFactory(BodyFactory)
    name = factory.Sequence(lambda n: f"{n}. Sitzung")
    start = factory.LazyFunction(
        lambda: datetime.datetime(2013, 3, 18, 15, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    )

    @factory.post_generation
    def organizations(self, create, extracted, **kwargs):
        for organization in extracted or []:
            self.organizations.add(organization)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    order = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda o: str(o.order))
    name = factory.Sequence(lambda n: f"Tagesordnungspunkt {n}")


class PaperFactory(factory.django.DjangoModelFactory):
    """A Vorlage; the KSD number comes from a sequence, not from the numbering service."""

    class Meta:
        model = Paper

    body = factory.SubFactory(BodyFactory)
    reference = factory.Sequence(lambda n: f"2013{n + 1:04d}")
    name = factory.Sequence(lambda n: f"Vorlage {n}")
    date = datetime.date(2013, 2, 20)
    explanation = "Ein Sachverhalt."
    proposal = "Der Stadtrat beschließt."
    under_direction_of = factory.SubFactory(UnitFactory, body=factory.SelfAttribute("..body"))


class ReleasedPaperFactory(PaperFactory):
    state = Paper.State.RELEASED
    released_at = factory.LazyFunction(
        lambda: datetime.datetime(2013, 2, 21, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    )


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    paper = factory.SubFactory(PaperFactory)
    organization = factory.SubFactory(CommitteeFactory, body=factory.SelfAttribute("..paper.body"))
    role = Consultation.Role.DECISION
    authoritative = True
    order = 1


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    paper = factory.SubFactory(PaperFactory)
    name = "Anlage 1"
    file_name = "anlage-1.pdf"
    mime_type = "application/pdf"
    file = factory.LazyAttribute(lambda o: ContentFile(TINY_PDF, name=o.file_name))
    size = len(TINY_PDF)
    sha512 = hashlib.sha512(TINY_PDF).hexdigest()
    checked = True  # as an upload that passed resolutions.filecheck


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    consultation = factory.SubFactory(ConsultationFactory)
    result = Decision.Result.ADOPTED
    date = datetime.date(2013, 3, 18)


class FactionVoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FactionVote

    decision = factory.SubFactory(DecisionFactory)
    faction = factory.SubFactory(FactionFactory)


class AllianceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Alliance

    body = factory.SubFactory(BodyFactory)
    slug = factory.Sequence(lambda n: f"buendnis-{n}")
    name = factory.Sequence(lambda n: f"Bündnis {n}")


class AllianceAimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllianceAim

    alliance = factory.SubFactory(AllianceFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = "Ein Ziel."


class AllianceMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllianceMembership

    alliance = factory.SubFactory(AllianceFactory)
    member_body = factory.SelfAttribute("alliance.body")


class RepresentationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representation

    membership = factory.SubFactory(AllianceMembershipFactory)
    group = "Steuerungsgruppe"
    description = "Bereichsleiterin 5-11"


class SubscriptionFactory(factory.django.DjangoModelFactory):
    """A confirmed follower of an organization (pass organization=…), by default the public."""

    class Meta:
        model = Subscription

    email = factory.Sequence(lambda n: f"buerger{n}@example.org")
    target = Subscription.Target.ORGANIZATION
    confirmed_at = factory.LazyFunction(lambda: datetime.datetime(2013, 1, 1, 9, 0, tzinfo=datetime.UTC))


class TrackingFactory(factory.django.DjangoModelFactory):
    """The tracking of an adopted decision; its unit is the Vorlage's."""

    class Meta:
        model = Tracking

    decision = factory.SubFactory(DecisionFactory)
    paper = factory.SelfAttribute("decision.consultation.paper")
    responsible_unit = factory.SelfAttribute("paper.under_direction_of")
    target_date = datetime.date(2013, 6, 30)


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    tracking = factory.SubFactory(TrackingFactory)
    date = datetime.date(2013, 4, 2)
    text = "Die Umsetzung hat begonnen."
    state = Tracking.State.IN_PROGRESS
