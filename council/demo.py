"""Demo data of the council: Ludwigshafen, its Stadtrat, committees, Fraktionen, administration and users.

The loader is a data writer, not a workflow: it writes rows directly, keyed on natural keys,
so that running it again changes nothing. `ensure` is the one way rows are written here and
in the other apps' demo modules.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone

from .models import AgendaItem, Attendance, Body, LegislativeTerm, Location, Meeting, Membership, Organization, Person
from .roles import Role

DEMO_PASSWORD = "ratsbuch-demo"

# First day of the Wahlperiode of the seed (2013); the demo's councillors sit from then until today.
TERM_2009 = datetime.date(2009, 7, 1)


def apply_changes(obj: models.Model, values: dict) -> list[str]:
    """Set the values that differ on `obj` and return the names of the fields that changed."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return changed


def ensure(model: type[models.Model], *, defaults: dict | None = None, **lookup):
    """Return the row matching `lookup`, created or brought up to date with `defaults`.

    Unlike `update_or_create`, an unchanged row is not saved again, so that a second run of
    the loader leaves `modified` and the history tables alone.
    """
    defaults = defaults or {}
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **defaults)
        obj.full_clean()
        obj.save()
        return obj
    if apply_changes(obj, defaults):
        obj.full_clean()
        obj.save()
    return obj


def aware(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A local wall-clock time in the project's time zone (Europe/Berlin)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@dataclass
class CouncilDemo:
    """What the council part of the demo consists of, for the other apps' demo modules."""

    body: Body
    terms: list[LegislativeTerm]
    council_hall: Location
    committee_room: Location
    stadtrat: Organization
    social_committee: Organization
    finance_committee: Organization
    factions: dict[str, Organization]
    dezernat: Organization
    unit: Organization  # Bereich 5-11 Stadtentwicklung, the unit of the seed
    council_office: Organization
    mayor: Person
    head: Person  # die Bereichsleiterin 5-11
    clerk: Person
    office: Person
    member: Person
    councillors: dict[str, list[Person]] = field(default_factory=dict)  # by Fraktion key
    users: dict[str, object] = field(default_factory=dict)  # by username


# Fraktion key, name, short name; then its members: given name, family name, gender, role in the Fraktion.
FACTIONS = [
    (
        "SPD",
        "SPD-Fraktion",
        "SPD",
        [
            ("Heike", "Schäfer", "female", "Fraktionsvorsitzende"),
            ("Jürgen", "Weiß", "male", "Mitglied"),
            ("Tobias", "Krämer", "male", "Mitglied"),
        ],
    ),
    (
        "CDU",
        "CDU-Fraktion",
        "CDU",
        [
            ("Peter", "Brückl", "male", "Fraktionsvorsitzender"),
            ("Monika", "Hörner", "female", "Mitglied"),
            ("Stefan", "Groß", "male", "Mitglied"),
        ],
    ),
    (
        "GRUENE",
        "Fraktion Bündnis 90/Die Grünen",
        "Grüne",
        [
            ("Claudia", "Märkl", "female", "Fraktionsvorsitzende"),
            ("Hans-Jörg", "Fuß", "male", "Mitglied"),
            ("Aylin", "Doğan", "female", "Mitglied"),
        ],
    ),
]

# Committee seats: family name, role, voting right. The Fraktion comes from FACTIONS.
SOCIAL_COMMITTEE_SEATS = [
    ("Weiß", "Mitglied", True),
    ("Krämer", "Mitglied", True),
    ("Hörner", "Mitglied", True),
    ("Groß", "Mitglied", True),
    ("Märkl", "Mitglied", True),
    ("Doğan", "stellvertretendes Mitglied", False),
]
FINANCE_COMMITTEE_SEATS = [
    ("Schäfer", "Mitglied", True),
    ("Krämer", "Mitglied", True),
    ("Brückl", "Mitglied", True),
    ("Groß", "Mitglied", True),
    ("Fuß", "Mitglied", True),
]


def _person(body: Body, given_name: str, family_name: str, gender: str, **extra) -> Person:
    form_of_address = {"female": "Frau", "male": "Herr"}.get(gender, "")
    return ensure(
        Person,
        body=body,
        family_name=family_name,
        given_name=given_name,
        defaults={"gender": gender, "form_of_address": form_of_address, **extra},
    )


def _membership(person: Person, organization: Organization, role: str, **fields) -> Membership:
    """One seat; a person holds at most one seat per organization in the demo."""
    return ensure(Membership, person=person, organization=organization, defaults={"role": role, **fields})


def _user(username: str, *, person: Person | None = None, role: Role | None = None, **fields):
    """A demo login with DEMO_PASSWORD, in the group of `role`, linked to `person`."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, **fields)
        user.set_password(DEMO_PASSWORD)
        user.full_clean()
        user.save()
    else:
        changed = apply_changes(user, fields)
        # check_password first: hashing is salted, so setting it again would change the row on every run.
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            changed.append("password")
        if changed:
            user.save(update_fields=changed)
    if role is not None:
        group, _created = Group.objects.get_or_create(name=role.value)
        if not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
    if person is not None and person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user", "modified"])
    return user


def load_council_demo() -> CouncilDemo:
    """Write the council part of the demo and return its objects."""
    body = ensure(
        Body,
        ags="07314000",
        defaults={
            "name": "Stadt Ludwigshafen am Rhein",
            "short_name": "Ludwigshafen",
            "rgs": "073140000000",
            "classification": "kreisfreie Stadt",
            "website": "https://www.ludwigshafen.de",
            "contact_name": "Ratsbüro",
        },
    )
    # The term of the seed, and the current one, in which the upcoming meetings fall.
    terms = [
        ensure(
            LegislativeTerm,
            body=body,
            name="Wahlperiode 2009–2014",
            defaults={"start_date": TERM_2009, "end_date": datetime.date(2014, 6, 30)},
        ),
        ensure(
            LegislativeTerm,
            body=body,
            name="Wahlperiode 2024–2029",
            defaults={"start_date": datetime.date(2024, 7, 1), "end_date": datetime.date(2029, 6, 30)},
        ),
    ]
    town_hall = {"street_address": "Rathausplatz 20", "postal_code": "67059", "locality": "Ludwigshafen am Rhein"}
    council_hall = ensure(
        Location, body=body, description="Stadtratssaal, Rathaus", defaults={"room": "Stadtratssaal", **town_hall}
    )
    committee_room = ensure(
        Location, body=body, description="Sitzungssaal 1, Rathaus", defaults={"room": "Sitzungssaal 1", **town_hall}
    )

    def organization(name: str, organization_type: str, **fields) -> Organization:
        return ensure(Organization, body=body, organization_type=organization_type, name=name, defaults=fields)

    committee = Organization.Type.COMMITTEE
    stadtrat = organization("Stadtrat", committee, short_name="StR", classification="Hauptorgan", location=council_hall)
    social_committee = organization(
        "Ausschuss für Soziales und Integration",
        committee,
        short_name="SozA",
        classification="Ausschuss",
        location=committee_room,
    )
    finance_committee = organization(
        "Haupt- und Finanzausschuss", committee, short_name="HFA", classification="Ausschuss", location=committee_room
    )
    administrative = Organization.Type.ADMINISTRATIVE_UNIT
    dezernat = organization("Dezernat 5", administrative, short_name="Dez. 5", classification="Dezernat")
    unit = organization(
        "Bereich Stadtentwicklung", administrative, short_name="5-11", classification="Bereich", parent=dezernat
    )
    council_office = organization("Ratsbüro", administrative, classification="Stabsstelle")

    mayor = _person(body, "Ingrid", "Wendelstein", "female", title="Dr.")
    # The Oberbürgermeisterin chairs the Stadtrat and the Haupt- und Finanzausschuss by office,
    # not by election, so her seats have no Fraktion and no start in a Wahlperiode.
    _membership(mayor, stadtrat, "Oberbürgermeisterin", voting_right=True)
    _membership(mayor, finance_committee, "Vorsitzende", voting_right=False)

    factions: dict[str, Organization] = {}
    councillors: dict[str, list[Person]] = {}
    by_family_name: dict[str, tuple[Person, Organization]] = {}
    for key, name, short_name, people in FACTIONS:
        faction = organization(name, Organization.Type.FACTION, short_name=short_name)
        factions[key] = faction
        councillors[key] = []
        for given_name, family_name, gender, faction_role in people:
            person = _person(body, given_name, family_name, gender)
            councillors[key].append(person)
            by_family_name[family_name] = (person, faction)
            # Re-elected in 2014, 2019 and 2024: the seats run from 2009 until today.
            _membership(person, faction, faction_role, start_date=TERM_2009, voting_right=True)
            _membership(person, stadtrat, "Ratsmitglied", on_behalf_of=faction, start_date=TERM_2009, voting_right=True)
    for committee_org, seats in (
        (social_committee, SOCIAL_COMMITTEE_SEATS),
        (finance_committee, FINANCE_COMMITTEE_SEATS),
    ):
        for family_name, role, voting_right in seats:
            person, faction = by_family_name[family_name]
            _membership(
                person, committee_org, role, on_behalf_of=faction, start_date=TERM_2009, voting_right=voting_right
            )

    head = _person(body, "Annette", "Großmann", "female", title="Dr.")
    _membership(head, unit, "Bereichsleiterin", start_date=datetime.date(2010, 4, 1), voting_right=False)
    clerk = _person(body, "Jonas", "Brückner", "male")
    _membership(clerk, unit, "Sachbearbeiter", start_date=datetime.date(2011, 9, 1), voting_right=False)
    office = _person(body, "Petra", "Kühn", "female")
    _membership(
        office,
        council_office,
        "Sachbearbeiterin Sitzungsdienst",
        start_date=datetime.date(2008, 1, 1),
        voting_right=False,
    )
    member = by_family_name["Weiß"][0]

    users = {
        "clerk": _user(
            "clerk", person=clerk, role=Role.CLERK, first_name="Jonas", last_name="Brückner", email="clerk@example.org"
        ),
        "head": _user(
            "head", person=head, role=Role.HEAD, first_name="Annette", last_name="Großmann", email="head@example.org"
        ),
        "office": _user(
            "office", person=office, role=Role.OFFICE, first_name="Petra", last_name="Kühn", email="office@example.org"
        ),
        "member": _user("member", person=member, first_name="Jürgen", last_name="Weiß", email="member@example.org"),
        "admin": _user("admin", is_staff=True, is_superuser=True, email="admin@example.org"),
    }
    return CouncilDemo(
        body=body,
        terms=terms,
        council_hall=council_hall,
        committee_room=committee_room,
        stadtrat=stadtrat,
        social_committee=social_committee,
        finance_committee=finance_committee,
        factions=factions,
        dezernat=dezernat,
        unit=unit,
        council_office=council_office,
        mayor=mayor,
        head=head,
        clerk=clerk,
        office=office,
        member=member,
        councillors=councillors,
        users=users,
    )


# --- meetings: the helpers the Vorlagen' demo uses to put them on agendas -------------------


def ensure_meeting(
    body: Body,
    name: str,
    *,
    organizations: list[Organization],
    start: datetime.datetime,
    end: datetime.datetime,
    location: Location,
    state: str,
    invited_at: datetime.datetime | None,
    move_if_past: bool = False,
) -> Meeting:
    """A meeting keyed by its name.

    With `move_if_past`, the meeting is an upcoming one whose dates were computed from
    today: it keeps the dates of an earlier run while they lie ahead and moves to the new
    dates once they have passed, so that it stays upcoming and a second run changes nothing.
    """
    timing = {"start": start, "end": end, "invited_at": invited_at}
    if move_if_past:
        stored_start = Meeting.objects.filter(body=body, name=name).values_list("start", flat=True).first()
        if stored_start is not None and stored_start > timezone.now():
            timing = {}
    meeting = ensure(Meeting, body=body, name=name, defaults={"location": location, "state": state, **timing})
    missing = [org for org in organizations if not meeting.organizations.filter(pk=org.pk).exists()]
    if missing:
        meeting.organizations.add(*missing)
    return meeting


def ensure_agenda(meeting: Meeting, items: list[tuple[str, str, bool]]) -> dict[str, AgendaItem]:
    """The agenda as (number, name, public) in order; returns the items by number."""
    return {
        number: ensure(
            AgendaItem, meeting=meeting, number=number, defaults={"order": order, "name": name, "public": public}
        )
        for order, (number, name, public) in enumerate(items, start=1)
    }


def ensure_attendance(meeting: Meeting, persons: list[Person], excused: list[Person] = ()) -> None:
    """Record who was present and who excused themselves."""
    for person in persons:
        status = Attendance.Status.EXCUSED if person in excused else Attendance.Status.PRESENT
        ensure(Attendance, meeting=meeting, person=person, defaults={"status": status})
