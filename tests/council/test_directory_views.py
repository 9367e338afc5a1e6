"""The directory: the organization list and pages, the people list and pages.

Organizations are public; people are public when they hold or held a seat outside the
administration. Staff of a Verwaltungsbereich appear nowhere for the public and their page is
a 404 for everyone but the council office; nobody's e-mail or phone reaches a page. Pages are
requested in English so that no assertion depends on the German catalogue.
"""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import resolve, reverse
from django.utils import timezone

from council.models import Organization, Person
from council.views import directory
from tests.council.conftest import at, meeting_of, seat
from tests.factories import (
    AllianceMembershipFactory,
    CommitteeFactory,
    ConsultationFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    ReleasedPaperFactory,
    RepresentationFactory,
    UnitFactory,
)

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TODAY = timezone.localdate


def organization_url(organization: Organization) -> str:
    return reverse("council:organization_detail", kwargs={"pk": organization.pk})


def person_url(person: Person) -> str:
    return reverse("council:person_detail", kwargs={"pk": person.pk})


def rows(html: str, css_class: str) -> list[str]:
    """The `data-person` (or `data-organization`) values of the rows of a class, in page order."""
    return re.findall(rf'<tr class="{css_class}" data-\w+="(\d+)"', html)


@pytest.fixture
def clerk_person(clerk) -> Person:
    return clerk.person


# --- URLs ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "kwargs", "path", "view"),
    [
        ("council:organization_list", {}, "/gremien/", directory.organization_list),
        ("council:organization_detail", {"pk": 7}, "/gremien/7/", directory.organization_detail),
        ("council:person_list", {}, "/personen/", directory.person_list),
        ("council:person_detail", {"pk": 42}, "/personen/42/", directory.person_detail),
    ],
)
def test_urls_reverse_and_resolve(name, kwargs, path, view):
    assert reverse(name, kwargs=kwargs) == path
    match = resolve(path)
    assert match.func == view
    assert f"{match.namespace}:{match.url_name}" == name


def test_main_navigation_links_the_directory(client, body):
    page = client.get(reverse("council:home"), **EN).text

    assert f'href="{reverse("council:organization_list")}"' in page
    assert f'href="{reverse("council:person_list")}"' in page


def test_the_navigation_marks_the_current_page(client, body):
    page = client.get(reverse("council:person_list"), **EN).text

    assert re.search(r'<a class="nav-link active" href="/personen/" aria-current="page">', page)


# --- the organization list ---------------------------------------------------------------
def test_anonymous_sees_organizations_grouped_gremien_first_units_last(client, committee, unit, factions):
    stadtrat = CommitteeFactory(body=committee.body, name="Stadtrat", classification="Hauptorgan")
    institution = OrganizationFactory(
        body=committee.body, name="Volkshochschule", organization_type=Organization.Type.INSTITUTION
    )

    response = client.get(reverse("council:organization_list"), **EN)

    assert response.status_code == 200
    order = rows(response.text, "organization-row")
    expected = [stadtrat, committee, factions["CDU"], factions["SPD"], institution, unit]
    assert order == [str(organization.pk) for organization in expected]
    sections = re.findall(r'data-type="([^"]+)"', response.text)
    assert sections == ["Gremium", "Fraktion", "Institution", "Verwaltungsbereich"]


def test_the_list_counts_current_public_members_and_names_the_next_meeting(client, committee, seated):
    seat(committee, family_name="Ausgeschieden", end_date=TODAY() - datetime.timedelta(days=1))
    seat(committee, family_name="Künftig", start_date=TODAY() + datetime.timedelta(days=10))
    meeting_of(committee, start=at(TODAY() + datetime.timedelta(days=3)), state="cancelled")
    following = meeting_of(committee, start=at(TODAY() + datetime.timedelta(days=10)))
    meeting_of(committee, start=at(TODAY() + datetime.timedelta(days=20)))

    page = client.get(reverse("council:organization_list"), **EN).text

    row = re.search(rf'data-organization="{committee.pk}">(.*?)</tr>', page, re.S).group(1)
    assert '<td class="text-end organization-members">6</td>' in row
    assert f'href="{reverse("council:meeting_detail", kwargs={"pk": following.pk})}"' in row


def test_the_list_filters_by_type(client, committee, unit, factions):
    response = client.get(reverse("council:organization_list"), {"type": "Fraktion"}, **EN)

    assert set(rows(response.text, "organization-row")) == {str(f.pk) for f in factions.values()}
    assert '<option value="Fraktion" selected>' in response.text


def test_an_unknown_type_shows_everything(client, committee, unit):
    response = client.get(reverse("council:organization_list"), {"type": "Geheimbund"}, **EN)

    assert response.status_code == 200
    assert set(rows(response.text, "organization-row")) == {str(committee.pk), str(unit.pk)}


def test_dissolved_organizations_are_listed_apart(client, committee):
    dissolved = CommitteeFactory(
        body=committee.body,
        name="Ausschuss für Konversion",
        start_date=datetime.date(2004, 7, 1),
        end_date=datetime.date(2009, 6, 30),
    )

    page = client.get(reverse("council:organization_list"), **EN).text

    current, _sep, past = page.partition('id="dissolved-heading"')
    assert f'data-organization="{committee.pk}"' in current
    assert f'data-organization="{dissolved.pk}"' not in current
    assert f'data-organization="{dissolved.pk}"' in past


# --- the organization page ---------------------------------------------------------------
def test_anonymous_sees_a_gremium_with_members_by_role_then_name(client, committee, factions):
    spd = factions["SPD"]
    zander = seat(committee, faction=spd, family_name="Zander")
    adler = seat(committee, faction=spd, family_name="Adler")
    chair = PersonFactory(body=committee.body, family_name="Zimmermann")
    MembershipFactory(person=chair, organization=committee, role="Vorsitzender", on_behalf_of=spd)
    deputy = PersonFactory(body=committee.body, family_name="Yilmaz")
    MembershipFactory(person=deputy, organization=committee, role="stellvertretender Vorsitzender")
    advisor = PersonFactory(body=committee.body, family_name="Berger")
    MembershipFactory(person=advisor, organization=committee, role="beratendes Mitglied", voting_right=False)

    response = client.get(organization_url(committee), **EN)

    assert response.status_code == 200
    assert rows(response.text, "member-row") == [str(p.pk) for p in (chair, deputy, adler, zander, advisor)]
    assert f'href="{person_url(adler)}"' in response.text
    assert f'href="{organization_url(spd)}"' in response.text  # the Fraktion a member sits for
    assert "advisory" in response.text


def test_former_members_are_shown_apart_from_current_ones(client, committee):
    current = seat(committee, family_name="Aktuell")
    former = seat(committee, family_name="Früher", end_date=TODAY() - datetime.timedelta(days=30))
    # A member who changed role is current, not former.
    MembershipFactory(person=current, organization=committee, role="Vorsitzende", end_date=datetime.date(2014, 6, 30))

    page = client.get(organization_url(committee), **EN).text

    assert rows(page, "member-row") == [str(current.pk)]
    assert rows(page, "former-member-row") == [str(former.pk)]
    assert '<details class="former-members' in page


def test_a_gremium_links_its_meetings_list_feed_and_shows_meetings(client, committee, meeting, upcoming):
    page = client.get(organization_url(committee), **EN).text

    assert f'href="{reverse("council:meeting_list")}?organization={committee.pk}"' in page
    assert f'href="{reverse("council:meeting_ical_organization", kwargs={"organization": committee.pk})}"' in page
    assert f'data-meeting="{meeting.pk}"' in page
    assert f'data-meeting="{upcoming.pk}"' in page


def test_the_meetings_list_link_works(client, committee, meeting):
    response = client.get(reverse("council:meeting_list"), {"organization": committee.pk}, **EN)

    assert response.status_code == 200
    assert f'data-meeting="{meeting.pk}"' in response.text


def test_a_unit_lists_no_staff_but_its_dezernat_and_units(client, unit, clerk, clerk_person):
    dezernat = UnitFactory(body=unit.body, name="Dezernat 5", short_name="Dez. 5")
    unit.parent = dezernat
    unit.save()
    section = UnitFactory(body=unit.body, name="Abteilung Stadtplanung", parent=unit)

    page = client.get(organization_url(unit), **EN).text

    assert clerk_person.family_name not in page
    assert f'href="{person_url(clerk_person)}"' not in page
    assert f'href="{organization_url(dezernat)}"' in page
    assert f'href="{organization_url(section)}"' in page
    assert "member-row" not in page


def test_the_organization_page_lists_only_vorlagen_the_user_may_read(client, committee, member):
    public = ReleasedPaperFactory(body=committee.body, name="Spielplatz Hemshof")
    secret = ReleasedPaperFactory(body=committee.body, name="Grundstück Flurstück 12/3", public=False)
    draft = ReleasedPaperFactory(body=committee.body, name="Entwurf Kita", released_at=None, state="draft")
    for paper in (public, secret, draft):
        ConsultationFactory(paper=paper, organization=committee)

    anonymous = client.get(organization_url(committee), **EN).text
    client.force_login(member)
    inside = client.get(organization_url(committee), **EN).text

    assert public.name in anonymous and secret.name not in anonymous and draft.name not in anonymous
    assert public.name in inside and secret.name in inside and draft.name not in inside


def test_a_unit_lists_the_vorlagen_it_wrote(client, unit):
    paper = ReleasedPaperFactory(body=unit.body, under_direction_of=unit, name="Quartiersplatz")

    page = client.get(organization_url(unit), **EN).text

    assert f'href="{paper.get_absolute_url()}"' in page
    assert f'href="{reverse("resolutions:paper_list")}?organization={unit.pk}"' in page


def test_an_unknown_organization_is_404(client, body):
    assert client.get(reverse("council:organization_detail", kwargs={"pk": 999999})).status_code == 404


# --- the people list ---------------------------------------------------------------------
def test_anonymous_sees_public_people_but_not_the_staff(client, seated, clerk_person, head):
    response = client.get(reverse("council:person_list"), **EN)

    assert response.status_code == 200
    listed = set(rows(response.text, "person-row"))
    assert listed == {str(person.pk) for person in seated.values()}
    assert clerk_person.family_name not in response.text
    assert head.person.family_name not in response.text


def test_a_member_does_not_see_the_staff_either(client, member, clerk_person):
    client.force_login(member)

    response = client.get(reverse("council:person_list"), **EN)

    assert str(member.person.pk) in rows(response.text, "person-row")
    assert clerk_person.family_name not in response.text


def test_people_are_alphabetical_and_searchable_by_name(client, seated):
    everyone = client.get(reverse("council:person_list"), **EN).text
    found = client.get(reverse("council:person_list"), {"q": "  krä "}, **EN).text
    nobody = client.get(reverse("council:person_list"), {"q": "Xylophon"}, **EN).text

    expected = sorted(seated.values(), key=lambda p: (p.family_name, p.given_name))
    assert rows(everyone, "person-row") == [str(p.pk) for p in expected]
    assert rows(found, "person-row") == [str(seated["kraemer"].pk)]
    assert rows(nobody, "person-row") == []
    assert "Nobody matches the search." in nobody


def test_people_filter_by_fraktion(client, committee, seated, factions):
    cdu = factions["CDU"]
    fraktion_member = seat(cdu, family_name="Fraktionsmitglied")
    former = seat(cdu, family_name="Ehemalig", end_date=datetime.date(2014, 6, 30))

    response = client.get(reverse("council:person_list"), {"faction": cdu.pk}, **EN)

    expected = {seated["hoerner"], seated["gross"], fraktion_member}
    assert set(rows(response.text, "person-row")) == {str(p.pk) for p in expected}
    assert str(former.pk) not in rows(response.text, "person-row")


@pytest.mark.parametrize("value", ["999999", "abc", "-1"])
def test_an_unknown_fraktion_is_404(client, factions, value):
    assert client.get(reverse("council:person_list"), {"faction": value}).status_code == 404


def test_a_committee_is_no_fraktion_to_filter_by(client, committee, factions):
    assert client.get(reverse("council:person_list"), {"faction": committee.pk}).status_code == 404


def test_people_are_paginated_sixty_a_page(client, committee):
    for index in range(directory.PEOPLE_PER_PAGE + 1):
        seat(committee, family_name=f"Person{index:03d}")

    first = client.get(reverse("council:person_list"), **EN).text
    second = client.get(reverse("council:person_list"), {"page": 2}, **EN).text

    assert len(rows(first, "person-row")) == directory.PEOPLE_PER_PAGE
    assert len(rows(second, "person-row")) == 1
    assert 'rel="next"' in first and 'rel="prev"' in second


# --- the person page ---------------------------------------------------------------------
def test_anonymous_sees_a_person_with_current_and_former_seats(client, committee, factions):
    person = PersonFactory(
        body=committee.body, given_name="Eva", family_name="Weiß", title="Dr.", form_of_address="Frau"
    )
    MembershipFactory(person=person, organization=committee, role="Vorsitzende", on_behalf_of=factions["SPD"])
    MembershipFactory(person=person, organization=factions["SPD"], role="Mitglied")
    old = CommitteeFactory(body=committee.body, name="Werkausschuss", end_date=datetime.date(2014, 6, 30))
    MembershipFactory(person=person, organization=old, role="Mitglied", end_date=datetime.date(2014, 6, 30))

    response = client.get(person_url(person), **EN)

    assert response.status_code == 200
    page = response.text
    assert "Dr. Eva Weiß" in page and "Frau" in page
    assert rows(page, "seat-row") == [str(committee.pk), str(factions["SPD"].pk)]
    assert rows(page, "former-seat-row") == [str(old.pk)]
    assert "Vorsitzende" in page


def test_no_email_or_phone_reaches_the_pages(client, committee):
    person = PersonFactory(body=committee.body, email="eva.weiss@example.org", phone="0621 504-1234")
    MembershipFactory(person=person, organization=committee)

    pages = [
        client.get(url, **EN).text
        for url in (person_url(person), reverse("council:person_list"), organization_url(committee))
    ]

    for page in pages:
        assert "eva.weiss@example.org" not in page
        assert "504-1234" not in page
        assert "mailto:" not in page and "tel:" not in page


def test_only_public_seats_are_listed_on_a_person_page(client, committee, unit):
    person = seat(committee, family_name="Doppelrolle")
    MembershipFactory(person=person, organization=unit, role="Sachbearbeiterin")

    page = client.get(person_url(person), **EN).text

    assert rows(page, "seat-row") == [str(committee.pk)]
    assert unit.name not in page


@pytest.mark.parametrize("viewer", ["anonymous", "member", "clerk"])
def test_a_staff_member_is_404_for_everyone_but_the_office(client, request, clerk_person, member, viewer):
    if viewer != "anonymous":
        client.force_login(request.getfixturevalue(viewer))

    assert client.get(person_url(clerk_person)).status_code == 404


@pytest.mark.parametrize("viewer", ["office", "admin_user"])
def test_the_office_sees_a_staff_member(client, request, clerk_person, viewer):
    client.force_login(request.getfixturevalue(viewer))

    response = client.get(person_url(clerk_person), **EN)

    assert response.status_code == 200
    assert clerk_person.family_name in response.text
    assert "person-not-public" in response.text
    assert "seat-row" not in response.text  # a unit seat is not public, even here


def test_an_unknown_person_is_404(client, body):
    assert client.get(reverse("council:person_detail", kwargs={"pk": 999999})).status_code == 404


# --- query counts ------------------------------------------------------------------------
@pytest.mark.parametrize("count", [5, 50])
def test_organization_page_queries_do_not_grow_with_members(
    client, django_assert_max_num_queries, committee, factions, meeting, upcoming, count
):
    for _index in range(count):
        seat(committee, faction=factions["SPD"])
        seat(committee, faction=factions["CDU"], end_date=datetime.date(2014, 6, 30))
        ConsultationFactory(paper=ReleasedPaperFactory(body=committee.body), organization=committee)

    with django_assert_max_num_queries(8):
        response = client.get(organization_url(committee))

    assert len(rows(response.text, "member-row")) == count


@pytest.mark.parametrize("count", [5, 50])
def test_organization_list_queries_do_not_grow(client, django_assert_max_num_queries, body, count):
    for index in range(count):
        committee = CommitteeFactory(body=body)
        seat(committee)
        meeting_of(committee, start=at(TODAY() + datetime.timedelta(days=index + 1)))
        UnitFactory(body=body, parent=UnitFactory(body=body))

    with django_assert_max_num_queries(3):
        response = client.get(reverse("council:organization_list"))

    assert len(rows(response.text, "organization-row")) == 3 * count


@pytest.mark.parametrize("count", [5, 50])
def test_person_list_queries_do_not_grow(client, django_assert_max_num_queries, committee, factions, count):
    for _index in range(count):
        person = seat(committee, faction=factions["SPD"])
        MembershipFactory(person=person, organization=factions["SPD"])

    with django_assert_max_num_queries(6):
        response = client.get(reverse("council:person_list"), {"faction": factions["SPD"].pk})

    assert len(rows(response.text, "person-row")) == count


@pytest.mark.parametrize("count", [5, 50])
def test_person_page_queries_do_not_grow_with_seats(client, django_assert_max_num_queries, body, factions, count):
    person = PersonFactory(body=body)
    for _index in range(count):
        MembershipFactory(person=person, organization=CommitteeFactory(body=body), on_behalf_of=factions["SPD"])
        MembershipFactory(person=person, organization=CommitteeFactory(body=body), end_date=datetime.date(2014, 6, 30))

    with django_assert_max_num_queries(4):
        response = client.get(person_url(person))

    assert len(rows(response.text, "seat-row")) == count


# --- links from the other pages ----------------------------------------------------------
def test_the_meeting_page_links_its_organizations(client, committee, meeting):
    page = client.get(reverse("council:meeting_detail", kwargs={"pk": meeting.pk}), **EN).text

    assert f'href="{organization_url(committee)}"' in page


def test_the_vorlage_page_links_its_beratungsfolge_and_unit(client, committee):
    paper = ReleasedPaperFactory(body=committee.body)
    ConsultationFactory(paper=paper, organization=committee)

    page = client.get(paper.get_absolute_url(), **EN).text

    assert f'href="{organization_url(committee)}"' in page
    assert f'href="{organization_url(paper.under_direction_of)}"' in page


def test_the_alliance_page_links_public_representatives_only(client, committee, clerk_person):
    councillor = seat(committee, family_name="Ratsfrau")
    membership = AllianceMembershipFactory(alliance__body=committee.body)
    RepresentationFactory(membership=membership, person=councillor, description="")
    RepresentationFactory(membership=membership, person=clerk_person, group="Arbeitsgruppe")

    page = client.get(reverse("alliances:alliance_detail", kwargs={"slug": membership.alliance.slug}), **EN).text

    assert f'href="{person_url(councillor)}"' in page
    assert clerk_person.name in page  # the seat is named, as before
    assert f'href="{person_url(clerk_person)}"' not in page


# --- the demo ----------------------------------------------------------------------------
@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    return Organization.objects.get(name="Stadtrat")


def test_the_demo_directory_renders(client, demo):
    mayor = Person.objects.get(family_name="Wendelstein")
    clerk = Person.objects.get(family_name="Brückner")

    stadtrat = client.get(organization_url(demo), **EN)
    organizations = client.get(reverse("council:organization_list"), **EN)
    people = client.get(reverse("council:person_list"), **EN)
    unit = client.get(organization_url(Organization.objects.get(short_name="5-11")), **EN)

    assert all(r.status_code == 200 for r in (stadtrat, organizations, people, unit))
    members = rows(stadtrat.text, "member-row")
    assert len(members) == 61 and members[0] == str(mayor.pk)  # 60 councillors and the Oberbürgermeisterin
    assert Person.objects.public().count() == 61
    assert len(rows(people.text, "person-row")) == directory.PEOPLE_PER_PAGE
    assert clerk.family_name not in people.text + unit.text
    assert client.get(person_url(mayor), **EN).status_code == 200
    assert client.get(person_url(clerk)).status_code == 404
    for organization in Organization.objects.all():
        assert client.get(organization_url(organization)).status_code == 200
