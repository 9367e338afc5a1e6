"""Demo data of the council: Ludwigshafen, its Stadtrat, committees, Fraktionen, administration and users.

The loader is a data writer, not a workflow: it writes rows directly, keyed on natural keys,
so that running it again changes nothing. `ensure` (one row) and `ensure_all` (many rows of
one kind, in bulk) are the ways rows are written here and in the other apps' demo modules.

The Stadtrat has the 60 seats of the Wahlperiode 2009–2014 plus the Oberbürgermeisterin.
A few councillors are named by hand (the demo user `member` among them); the others are
invented by combining fixed lists of names in a fixed order, so every run and every
database gets the same people, without randomness.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hasher, identify_hasher, make_password
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from .meetings import number_of
from .models import (
    AgendaItem,
    AgendaTemplate,
    Attendance,
    Body,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Organization,
    Person,
)
from .roles import Role

DEMO_PASSWORD = "ratsbuch-demo"
DEMO_USERNAMES = ("clerk", "head", "office", "member", "admin")
# Every demo login shares one hash with this fixed salt: the password is printed for anyone
# anyway, and comparing stored hashes as strings spares the half second of PBKDF2 that
# checking each login's own salted hash costs. 24 characters give the salt the entropy
# Django asks for, so a login does not rehash (and change) the password.
DEMO_PASSWORD_SALT = "RatsbuchDemoLoginsShared"
# The office and admin logins need a second factor (council.security); the demo's share one
# known TOTP secret, printed like the password: KJQXI43COVRWQRDFNVXVI33UOBFWK6JB in Base32
# for an authenticator app, or `manage.py demo_otp` prints the current code.
DEMO_OTP_USERNAMES = ("office", "admin")
DEMO_OTP_KEY = "526174736275636844656d6f546f74704b657921"
DEMO_OTP_SECRET = "KJQXI43COVRWQRDFNVXVI33UOBFWK6JB"
DEMO_OTP_DEVICE_NAME = "Demo"

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


def ensure_all(
    model: type[models.Model], existing: QuerySet, key: tuple[str, ...], rows: list[dict], *, prune: bool = False
) -> list:
    """`ensure` for many rows of one model: one query reads them, one inserts, one updates.

    `rows` give every written field (foreign keys by attname, e.g. `person_id`); `key` names
    the fields that identify a row among `existing`. Unchanged rows are not written. With
    `prune`, rows of `existing` that no row of `rows` matches are deleted. Returns the
    objects in the order of `rows`. Models with history are written one by one (`ensure`):
    bulk writes would leave their history out.
    """
    found: dict[tuple, models.Model] = {}
    for obj in existing.order_by("pk"):
        found.setdefault(tuple(getattr(obj, name) for name in key), obj)
    objs, new, changed, changed_fields = [], [], [], set()
    for values in rows:
        obj = found.pop(tuple(values[name] for name in key), None)
        if obj is None:
            obj = model(**values)
            new.append(obj)
        elif names := apply_changes(obj, values):
            changed.append(obj)
            changed_fields.update(names)
        objs.append(obj)
    # Foreign keys come from rows the loader has just read or written; checking each would
    # cost a query a row. Uniqueness and check constraints are the database's to enforce.
    relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
    for obj in (*new, *changed):
        obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    if prune and found:
        model._default_manager.filter(pk__in=[obj.pk for obj in found.values()]).delete()
    if new:
        model._default_manager.bulk_create(new)
    if changed:
        # bulk_update leaves auto_now alone; the loader stamps what it changed.
        if any(f.name == "modified" for f in model._meta.concrete_fields):
            now = timezone.now()
            for obj in changed:
                obj.modified = now
            changed_fields.add("modified")
        model._default_manager.bulk_update(changed, sorted(changed_fields))
    return objs


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
    councillors: dict[str, list[Person]] = field(default_factory=dict)  # by Fraktion key, in seat order
    # The voting members of each committee, by committee short name, then Fraktion key.
    committee_members: dict[str, dict[str, list[Person]]] = field(default_factory=dict)
    # Deputies by committee short name: seats without a vote, taken up only in a member's turn.
    deputies: dict[str, list[Person]] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)  # by username


# Fraktion key, name, short name, seats in the Stadtrat elected in 2009; then the members named
# by hand: given name, family name, gender, role in the Fraktion. The other seats are filled
# with invented councillors (`invented_councillors`). 23 + 21 + 8 + 3 + 3 + 2 = 60 seats.
FACTIONS = [
    (
        "SPD",
        "SPD-Fraktion",
        "SPD",
        23,
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
        21,
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
        8,
        [
            ("Claudia", "Märkl", "female", "Fraktionsvorsitzende"),
            ("Hans-Jörg", "Fuß", "male", "Mitglied"),
            ("Aylin", "Doğan", "female", "Mitglied"),
        ],
    ),
    ("FWG", "FWG-Fraktion", "FWG", 3, []),
    ("FDP", "FDP-Fraktion", "FDP", 3, []),
    ("LINKE", "Fraktion DIE LINKE", "DIE LINKE", 2, []),
]
# The invented councillors' names. None of the family names is used by a person named by
# hand; each is used once, so given and family name identify a person.
FAMILY_NAMES = [
    "Bäcker", "Böhm", "Dörr", "Eßer", "Fröhlich", "Gärtner", "Göbel", "Häußler", "Jäger", "Kößler",
    "Künzel", "Lösch", "Möller", "Nöth", "Pfäffle", "Rößler", "Schömer", "Stöhr", "Strauß", "Süß",
    "Thürmer", "Vöhringer", "Wächter", "Wüst", "Zöller", "Becker", "Hoffmann", "Keller", "Lang", "Maurer",
    "Neumann", "Ott", "Roth", "Schneider", "Vogel", "Wagner", "Zimmermann", "Fischer", "Hahn", "Kaiser",
    "Lehmann", "Meier", "Peters", "Reuter", "Sommer", "Ulrich", "Walter", "Baumann", "Dietz", "Engel",
    "Heß", "Kunz", "Öztürk", "Yıldız", "Nowak", "Seitz", "Albrecht",
]  # fmt: skip
GIVEN_NAMES = {
    "female": [
        "Anke", "Bärbel", "Birgit", "Christiane", "Dörte", "Elke", "Gisela", "Jutta", "Käthe", "Karin",
        "Martina", "Renate", "Sabine", "Ursula", "Susanne", "Gabriele", "Margarete", "Andrea", "Silke", "Hülya",
    ],
    "male": [
        "Bernd", "Dieter", "Frank", "Günter", "Hartmut", "Jörg", "Klaus", "Lothar", "Manfred", "Norbert",
        "Rüdiger", "Uwe", "Volker", "Wolfgang", "Björn", "Sören", "Matthias", "Andreas", "Thomas", "Götz", "Cem",
        "Hans-Peter",
    ],
}  # fmt: skip
# Strides through the lists, prime to their lengths (57, 20 and 22): every name comes up
# before one repeats, and councillors next to each other get names from far apart in the lists.
FAMILY_STRIDE, GIVEN_STRIDE = 11, 7

# A committee's seats by Fraktion: voting seats shared out by Hare-Niemeyer over the Stadtrat's
# 60 seats (15 × 23/60 = 5.75 → 6, 5.25 → 5, 2, 0.75 → 1, 0.75 → 1, 0.5 → 0), and an advisory
# seat without a vote for the Fraktion left without one.
COMMITTEE_SEATS = {"SPD": 6, "CDU": 5, "GRUENE": 2, "FWG": 1, "FDP": 1}
ADVISORY_SEATS = {"LINKE": 1}
ADVISORY_ROLE = "beratendes Mitglied"
DEPUTY_ROLE = "stellvertretendes Mitglied"
# Committee seats named by hand: family name, role, voting right; the Fraktion comes from
# FACTIONS. The remaining seats of COMMITTEE_SEATS go to the Fraktion's other councillors:
# the Sozialausschuss takes them from the front of the Fraktion's list, the Haupt- und
# Finanzausschuss from the back, so that few councillors sit in both.
SOCIAL_COMMITTEE_SEATS = [
    ("Weiß", "Mitglied", True),
    ("Krämer", "Mitglied", True),
    ("Hörner", "Mitglied", True),
    ("Groß", "Mitglied", True),
    ("Märkl", "Mitglied", True),
    ("Doğan", DEPUTY_ROLE, False),
]
FINANCE_COMMITTEE_SEATS = [
    ("Schäfer", "Mitglied", True),
    ("Krämer", "Mitglied", True),
    ("Brückl", "Mitglied", True),
    ("Groß", "Mitglied", True),
    ("Fuß", "Mitglied", True),
]


def invented_councillors() -> dict[str, list[tuple[str, str, str, str, str]]]:
    """The councillors not named by hand: (given name, family name, gender, title, role) by Fraktion key.

    Two in five are women; every ninth holds a doctorate; a Fraktion without a member named
    by hand gets its chair from here.
    """
    people: dict[str, list[tuple[str, str, str, str, str]]] = {}
    number, of_gender = 0, {"female": 0, "male": 0}
    for key, _name, _short_name, seats, named in FACTIONS:
        people[key] = []
        for position in range(len(named), seats):
            gender = "female" if number % 5 in (1, 3) else "male"
            given_names = GIVEN_NAMES[gender]
            given_name = given_names[(of_gender[gender] * GIVEN_STRIDE) % len(given_names)]
            of_gender[gender] += 1
            chair = position == 0
            role = ("Fraktionsvorsitzende" if gender == "female" else "Fraktionsvorsitzender") if chair else "Mitglied"
            people[key].append(
                (
                    given_name,
                    FAMILY_NAMES[(number * FAMILY_STRIDE) % len(FAMILY_NAMES)],
                    gender,
                    "Dr." if number % 9 == 4 else "",
                    role,
                )
            )
            number += 1
    return people


FORMS_OF_ADDRESS = {"female": "Frau", "male": "Herr"}


def demo_address(given_name: str, family_name: str) -> str:
    """An invented address for the invitations by mail, e.g. ingrid.wendelstein@rat.example.org."""
    folded = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "-"}
    name = f"{given_name}.{family_name}".lower()
    name = "".join(folded.get(ch, ch) for ch in name)
    return "".join(ch for ch in name if ch.isascii() and (ch.isalnum() or ch in ".-")) + "@rat.example.org"


def _person(body: Body, given_name: str, family_name: str, gender: str, **extra) -> Person:
    form_of_address = FORMS_OF_ADDRESS.get(gender, "")
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


def _seat(person: Person, organization: Organization, role: str, **fields) -> dict:
    """A row for `ensure_all` of memberships: one seat, keyed by person and organization."""
    return {
        "person_id": person.pk,
        "organization_id": organization.pk,
        "role": role,
        "voting_right": True,
        "on_behalf_of_id": None,
        "start_date": None,
        "end_date": None,
        **fields,
    }


def demo_password_hash() -> str:
    """The hash of DEMO_PASSWORD with the demo's salt, under the current password hasher.

    Taken from a demo login that has it already when there is one: a hash with the demo's
    salt and the hasher's current settings was written by this loader, from DEMO_PASSWORD,
    and hashing it again would cost half a second on every run.
    """
    hasher = get_hasher()
    User = get_user_model()
    for stored in User.objects.filter(username__in=DEMO_USERNAMES).values_list("password", flat=True):
        try:
            if identify_hasher(stored).algorithm != hasher.algorithm:
                continue
            if hasher.decode(stored)["salt"] == DEMO_PASSWORD_SALT and not hasher.must_update(stored):
                return stored
        except (ValueError, TypeError, AssertionError):  # unusable or foreign hashes: not ours
            continue
    return make_password(DEMO_PASSWORD, salt=DEMO_PASSWORD_SALT)


def _demo_otp_device(user) -> None:
    """Give a demo login the demo's confirmed TOTP device, so that its second factor is known."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    ensure(TOTPDevice, user=user, name=DEMO_OTP_DEVICE_NAME, defaults={"key": DEMO_OTP_KEY, "confirmed": True})


def _user(username: str, *, password: str, person: Person | None = None, role: Role | None = None, **fields):
    """A demo login with the hash `password` of DEMO_PASSWORD, in the group of `role`, linked to `person`."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, password=password, **fields)
        user.full_clean()
        user.save()
    else:
        changed = apply_changes(user, {"password": password, **fields})
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


def _load_councillors(body: Body, factions: dict[str, Organization]) -> dict[str, list[Person]]:
    """The 60 councillors as persons, in seat order within their Fraktion: named first, then invented."""
    invented = invented_councillors()
    specs = []  # (Fraktion key, given name, family name, gender, title)
    for key, _name, _short_name, _seats, named in FACTIONS:
        specs += [(key, given, family, gender, "") for given, family, gender, _role in named]
        specs += [(key, given, family, gender, title) for given, family, gender, title, _role in invented[key]]
    persons = ensure_all(
        Person,
        Person.objects.filter(body=body),
        ("family_name", "given_name"),
        [
            {
                "body_id": body.pk,
                "family_name": family,
                "given_name": given,
                "gender": gender,
                "form_of_address": FORMS_OF_ADDRESS[gender],
                "title": title,
                "email": demo_address(given, family),
            }
            for _key, given, family, gender, title in specs
        ],
    )
    councillors: dict[str, list[Person]] = {key: [] for key in factions}
    for (key, *_rest), person in zip(specs, persons, strict=True):
        councillors[key].append(person)
    return councillors


def _committee_rows(
    committee: Organization,
    named_seats: list[tuple[str, str, bool]],
    councillors: dict[str, list[Person]],
    factions: dict[str, Organization],
    *,
    from_back: bool,
) -> tuple[list[dict], dict[str, list[Person]], list[Person]]:
    """The seats of a committee: its rows, its voting members by Fraktion, and its deputies."""
    fraktion_of = {person.pk: key for key, people in councillors.items() for person in people}
    by_family_name = {person.family_name: person for people in councillors.values() for person in people}
    rows, voting, deputies, seated = [], {key: [] for key in COMMITTEE_SEATS}, [], set()

    def seat(person: Person, role: str, voting_right: bool) -> None:
        key = fraktion_of[person.pk]
        rows.append(
            _seat(
                person,
                committee,
                role,
                voting_right=voting_right,
                on_behalf_of_id=factions[key].pk,
                start_date=TERM_2009,
            )
        )
        seated.add(person.pk)
        if voting_right:
            voting[key].append(person)
        elif role == DEPUTY_ROLE:
            deputies.append(person)

    for family_name, role, voting_right in named_seats:
        seat(by_family_name[family_name], role, voting_right)
    for seats, role, voting_right in ((COMMITTEE_SEATS, "Mitglied", True), (ADVISORY_SEATS, ADVISORY_ROLE, False)):
        for key, count in seats.items():
            candidates = [p for p in councillors[key] if p.pk not in seated]
            if from_back:
                candidates.reverse()
            taken = sum(1 for row in rows if row["on_behalf_of_id"] == factions[key].pk and row["role"] == role)
            for person in candidates[: count - taken]:
                seat(person, role, voting_right)
    return rows, voting, deputies


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
    factions = {
        key: organization(name, Organization.Type.FACTION, short_name=short_name)
        for key, name, short_name, _seats, _named in FACTIONS
    }

    mayor = _person(body, "Ingrid", "Wendelstein", "female", title="Dr.", email=demo_address("Ingrid", "Wendelstein"))
    councillors = _load_councillors(body, factions)

    # The Oberbürgermeisterin chairs the Stadtrat (with a vote) and the Haupt- und
    # Finanzausschuss (without) by office, not by election, so her seats have no Fraktion and
    # no start in a Wahlperiode.
    seats = [
        _seat(mayor, stadtrat, "Oberbürgermeisterin"),
        _seat(mayor, finance_committee, "Vorsitzende", voting_right=False),
    ]
    roles = {family: role for *_head, named in FACTIONS for _given, family, _gender, role in named}
    invented = invented_councillors()
    for key, people in councillors.items():
        roles.update({family: role for _given, family, _gender, _title, role in invented[key]})
        for person in people:
            # Re-elected in 2014, 2019 and 2024: the seats run from 2009 until today.
            seats.append(_seat(person, factions[key], roles[person.family_name], start_date=TERM_2009))
            seats.append(
                _seat(person, stadtrat, "Ratsmitglied", on_behalf_of_id=factions[key].pk, start_date=TERM_2009)
            )
    committee_members, deputies = {}, {}
    for committee_org, named_seats, from_back in (
        (social_committee, SOCIAL_COMMITTEE_SEATS, False),
        (finance_committee, FINANCE_COMMITTEE_SEATS, True),
    ):
        rows, voting, committee_deputies = _committee_rows(
            committee_org, named_seats, councillors, factions, from_back=from_back
        )
        seats += rows
        committee_members[committee_org.short_name] = voting
        deputies[committee_org.short_name] = committee_deputies
    ensure_all(
        Membership,
        Membership.objects.filter(organization__in=[stadtrat, social_committee, finance_committee, *factions.values()]),
        ("person_id", "organization_id"),
        seats,
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
    member = next(person for person in councillors["SPD"] if person.family_name == "Weiß")

    password = demo_password_hash()
    users = {
        "clerk": _user(
            "clerk",
            password=password,
            person=clerk,
            role=Role.CLERK,
            first_name="Jonas",
            last_name="Brückner",
            email="clerk@example.org",
        ),
        "head": _user(
            "head",
            password=password,
            person=head,
            role=Role.HEAD,
            first_name="Annette",
            last_name="Großmann",
            email="head@example.org",
        ),
        "office": _user(
            "office",
            password=password,
            person=office,
            role=Role.OFFICE,
            first_name="Petra",
            last_name="Kühn",
            email="office@example.org",
        ),
        "member": _user(
            "member",
            password=password,
            person=member,
            first_name="Jürgen",
            last_name="Weiß",
            email="member@example.org",
        ),
        "admin": _user("admin", password=password, is_staff=True, is_superuser=True, email="admin@example.org"),
    }
    for username in DEMO_OTP_USERNAMES:
        _demo_otp_device(users[username])
    # The standing items of an ordinary meeting, for the office's agenda builder.
    ensure(
        AgendaTemplate,
        body=body,
        name="Ordentliche Sitzung",
        defaults={
            "opening_items": "\n".join(
                [
                    "Eröffnung der Sitzung",
                    "Feststellung der ordnungsgemäßen Einladung und der Beschlussfähigkeit",
                    "Genehmigung der Niederschrift der letzten Sitzung",
                ]
            ),
            "closing_items": "Mitteilungen und Anfragen",
        },
    )
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
        committee_members=committee_members,
        deputies=deputies,
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
    **facts,
) -> Meeting:
    """A meeting keyed by its name.

    Its number is the one its name starts with. With `move_if_past`, the meeting is an upcoming
    one whose dates were computed from today: it keeps the dates of an earlier run while they
    lie ahead and moves to the new dates once they have passed, so that it stays upcoming and
    a second run changes nothing.
    """
    timing = {"start": start, "end": end, "invited_at": invited_at}
    if move_if_past:
        stored_start = Meeting.objects.filter(body=body, name=name).values_list("start", flat=True).first()
        if stored_start is not None and stored_start > timezone.now():
            timing = {}
    # `facts`: what the office records beyond the times (number, chair, minute-taker, actual times).
    defaults = {"location": location, "state": state, "number": number_of(Meeting(name=name)), **timing, **facts}
    meeting = ensure(Meeting, body=body, name=name, defaults=defaults)
    missing = [org for org in organizations if not meeting.organizations.filter(pk=org.pk).exists()]
    if missing:
        meeting.organizations.add(*missing)
    return meeting


def ensure_agenda(meeting: Meeting, items: list[tuple[str, str, bool]]) -> dict[str, AgendaItem]:
    """The agenda as (number, name, public) in order; returns the items by number.

    The loader owns the agendas of its meetings: items it does not list (left from an older
    demo, or added by hand) are removed, so that no Vorlage sits on an item its
    Beratungsfolge does not point to.
    """
    numbers = [number for number, _name, _public in items]
    AgendaItem.objects.filter(meeting=meeting).exclude(number__in=numbers).delete()
    return {
        number: ensure(
            AgendaItem, meeting=meeting, number=number, defaults={"order": order, "name": name, "public": public}
        )
        for order, (number, name, public) in enumerate(items, start=1)
    }


def ensure_attendance(meeting: Meeting, present: list[Person], excused: list[Person] = ()) -> list[Attendance]:
    """Record who was present and who excused themselves, and nobody else."""
    statuses = [(person, Attendance.Status.PRESENT) for person in present if person not in excused]
    statuses += [(person, Attendance.Status.EXCUSED) for person in excused]
    return ensure_all(
        Attendance,
        Attendance.objects.filter(meeting=meeting),
        ("person_id",),
        [{"meeting_id": meeting.pk, "person_id": person.pk, "status": status} for person, status in statuses],
        prune=True,
    )
