"""Who may see which Vorlage, attachment and decision, and what the pages of a Vorlage show."""

import datetime
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from resolutions.markdown import render_markdown
from resolutions.models import Consultation, Decision, Paper
from tests.factories import (
    AgendaItemFactory,
    AllianceFactory,
    AllianceMembershipFactory,
    AttachmentFactory,
    CommitteeFactory,
    ConsultationFactory,
    DecisionFactory,
    FactionFactory,
    FactionVoteFactory,
    MeetingFactory,
    MembershipFactory,
    PaperFactory,
    PersonFactory,
    ReleasedPaperFactory,
    UnitFactory,
    UserFactory,
)

SEED_EXPLANATION = """Am 5. November 2012 hat sich in Trier das Bündnis gegründet.

Die Zielsetzungen des Bündnisses sind:

- Den strategischen Ansatz eines ressortübergreifenden Handelns zu stärken
- bewährte Kooperationsformen aufzugreifen und fortzuentwickeln
- den Erfahrungsaustausch der Akteure zu unterstützen
"""


@pytest.fixture
def released_paper(body, unit):
    """KSD 20135317 as the seed has it: released and public."""
    return ReleasedPaperFactory(
        body=body,
        under_direction_of=unit,
        reference="20135317",
        subject_line='Bund-Länder-Programm "Soziale Stadt"',
        name="Beitritt zum Bündnis für Soziale Stadtentwicklung in Rheinland-Pfalz",
        explanation=SEED_EXPLANATION,
        proposal="Die Stadt Ludwigshafen unterstützt das Bündnis und erklärt ihren Beitritt zum Bündnis.",
        financial_impact="Es fallen keine Mitgliedsbeiträge an.",
    )


@pytest.fixture
def draft(body, unit):
    return PaperFactory(body=body, under_direction_of=unit, reference="20130042", name="Entwurf einer Vorlage")


@pytest.fixture
def non_public_paper(body, unit, committee):
    """A released non-public Vorlage put before the member's committee."""
    paper = ReleasedPaperFactory(
        body=body, under_direction_of=unit, reference="20130077", name="Grundstücksangelegenheit", public=False
    )
    ConsultationFactory(paper=paper, organization=committee)
    return paper


def detail_url(paper):
    return reverse("resolutions:paper_detail", kwargs={"reference": paper.reference})


# The list


def test_anonymous_sees_released_public_paper_in_list(client, released_paper, draft, non_public_paper):
    response = client.get(reverse("resolutions:paper_list"))

    assert response.status_code == 200
    assert list(response.context["papers"]) == [released_paper]
    assert "Beitritt zum Bündnis für Soziale Stadtentwicklung" in response.text
    assert escape('Bund-Länder-Programm "Soziale Stadt"') in response.text
    assert draft.name not in response.text
    assert non_public_paper.name not in response.text


def test_list_shows_newest_first(client, body, unit):
    older = ReleasedPaperFactory(body=body, under_direction_of=unit, date=datetime.date(2013, 1, 5))
    newer = ReleasedPaperFactory(body=body, under_direction_of=unit, date=datetime.date(2013, 6, 5))

    response = client.get(reverse("resolutions:paper_list"))

    assert list(response.context["papers"]) == [newer, older]


def test_clerk_sees_own_draft_in_list_with_state(client, clerk, draft):
    client.force_login(clerk)

    response = client.get(reverse("resolutions:paper_list"))

    assert list(response.context["papers"]) == [draft]
    assert str(Paper.State.DRAFT.label) in response.text


def test_list_is_paginated_by_25(client, body, unit):
    ReleasedPaperFactory.create_batch(30, body=body, under_direction_of=unit)

    first = client.get(reverse("resolutions:paper_list"))
    second = client.get(reverse("resolutions:paper_list"), {"page": 2})

    assert len(first.context["papers"]) == 25
    assert len(second.context["papers"]) == 5
    assert 'rel="next"' in first.text


def test_empty_list_says_so(client, db):
    response = client.get(reverse("resolutions:paper_list"))

    assert response.status_code == 200
    assert 'class="empty-state"' in response.text
    assert "<table" not in response.text


# The list: filters


def list_url(**params):
    return reverse("resolutions:paper_list") + (f"?{urlencode(params)}" if params else "")


def listed(response):
    return {paper.reference for paper in response.context["papers"]}


@pytest.fixture
def catalogue(body, unit, released_paper):
    """Released Vorlagen that differ in one thing each from the seed (20135317)."""
    roads = UnitFactory(body=body, name="Bereich Tiefbau", short_name="4-12")
    faction = FactionFactory(body=body, name="Fraktion im Stadtrat")
    report = ReleasedPaperFactory(
        body=body,
        under_direction_of=unit,
        reference="20120007",
        date=datetime.date(2012, 5, 2),
        paper_type=Paper.Type.INFORMATION,
        name="Bericht zu den Spielplaetzen",
    )
    motion = ReleasedPaperFactory(
        body=body, under_direction_of=roads, reference="20130200", paper_type=Paper.Type.MOTION, name="Radwege"
    )
    motion.originator_organizations.add(faction)
    gone = ReleasedPaperFactory(
        body=body, under_direction_of=roads, reference="20130300", state=Paper.State.WITHDRAWN, name="Bruecke"
    )
    return {
        "seed": released_paper,
        "report": report,
        "motion": motion,
        "gone": gone,
        "roads": roads,
        "faction": faction,
    }


def test_unfiltered_list_shows_all_released(client, catalogue):
    response = client.get(list_url())

    assert listed(response) == {"20135317", "20120007", "20130200", "20130300"}
    assert response.context["filtered"] is False


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "withdrawn"}, {"20130300"}),
        ({"state": "released"}, {"20135317", "20120007", "20130200"}),
        ({"paper_type": "Informationsvorlage"}, {"20120007"}),
        ({"paper_type": "Antrag"}, {"20130200"}),
        ({"year": "2012"}, {"20120007"}),
        ({"year": "2013"}, {"20135317", "20130200", "20130300"}),
        ({"year": "2011"}, set()),
        ({"q": "5317"}, {"20135317"}),  # the KSD number
        ({"q": "soziale stadtentwicklung"}, {"20135317"}),  # the title, any case
        ({"q": 'Programm "Soziale Stadt"'}, {"20135317"}),  # the subject line
        ({"q": "Erfahrungsaustausch"}, {"20135317"}),  # the Sachverhalt
        ({"q": "unterstützt das Bündnis"}, {"20135317"}),  # the Beschlussvorschlag
        ({"q": "Gemeinderat"}, set()),
        ({"q": "Spielplaetzen", "year": "2013"}, set()),
        ({"q": "Spielplaetzen", "year": "2012"}, {"20120007"}),
    ],
)
def test_each_filter_narrows_the_list(client, catalogue, params, expected):
    response = client.get(list_url(**params))

    assert response.status_code == 200
    assert listed(response) == expected
    assert response.context["filtered"] is True
    if not expected:
        assert 'class="empty-state no-match"' in response.text


def test_organization_filter_finds_the_unit_and_the_faction_that_moved_it(client, catalogue, unit):
    by_unit = client.get(list_url(organization=unit.pk))
    by_roads = client.get(list_url(organization=catalogue["roads"].pk))
    by_faction = client.get(list_url(organization=catalogue["faction"].pk))

    assert listed(by_unit) == {"20135317", "20120007"}
    assert listed(by_roads) == {"20130200", "20130300"}
    assert listed(by_faction) == {"20130200"}


def test_filter_form_offers_the_choices(client, catalogue):
    response = client.get(list_url())

    form = response.context["filter"].form
    assert "Bereich Tiefbau" in response.text
    assert catalogue["faction"] in form.fields["organization"].queryset
    assert 'name="q"' in response.text and 'name="year"' in response.text


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "abc"}, "year"),
        ({"year": "2013.5"}, "year"),
        ({"year": "99999"}, "year"),
        ({"year": "-1"}, "year"),
        ({"state": "bogus"}, "state"),
        ({"paper_type": "Gesetz"}, "paper_type"),
        ({"organization": "999999"}, "organization"),
        ({"organization": "x"}, "organization"),
    ],
)
def test_invalid_filter_is_a_form_error_not_a_500(client, catalogue, params, field):
    response = client.get(list_url(**params))

    assert response.status_code == 200
    errors = response.context["filter"].form.errors
    assert field in errors
    assert escape(errors[field][0]) in response.text
    assert listed(response) == set()
    assert "is-invalid" in response.text
    assert 'class="empty-state filter-invalid"' in response.text


def test_drafts_are_no_filter_choice_for_the_public(client, clerk, draft):
    anonymous = client.get(list_url(state="draft"))
    client.force_login(clerk)
    insider = client.get(list_url(state="draft"))

    assert "state" in anonymous.context["filter"].form.errors
    assert draft.name not in anonymous.text
    assert listed(insider) == {draft.reference}


def test_pages_keep_the_filter(client, body, unit):
    for number in range(30):
        ReleasedPaperFactory(
            body=body, under_direction_of=unit, reference=f"2014{number + 1:04d}", subject_line="Programm"
        )

    first = client.get(list_url(q="Programm"))
    second = client.get(list_url(q="Programm", page=2))

    assert len(first.context["papers"]) == 25
    assert "?q=Programm&amp;page=2" in first.text
    assert len(second.context["papers"]) == 5
    assert first.context["page_obj"].paginator.count == 30


@pytest.mark.parametrize(
    ("user_fixture", "my_drafts", "new_paper"),
    [("clerk", True, True), ("head", True, False), ("member", False, False), ("anonymous", False, False)],
)
def test_list_offers_drafting_links_to_clerks_and_heads(client, request, user_fixture, my_drafts, new_paper):
    if user_fixture != "anonymous":
        client.force_login(request.getfixturevalue(user_fixture))
    else:
        request.getfixturevalue("db")

    response = client.get(list_url())

    assert (reverse("resolutions:paper_my_drafts") in response.text) is my_drafts
    assert (reverse("resolutions:paper_create") in response.text) is new_paper


def _numbered_papers(body, unit, count):
    for number in range(count):
        ReleasedPaperFactory(
            body=body, under_direction_of=unit, reference=f"2014{number + 1:04d}", subject_line="Programm"
        )
        PaperFactory(body=body, under_direction_of=unit, reference=f"2015{number + 1:04d}", subject_line="Programm")


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize("params", [{}, {"q": "Programm", "year": "2013", "state": "released"}])
def test_filtered_list_queries_do_not_grow_for_anonymous(
    client, django_assert_max_num_queries, body, unit, count, params
):
    _numbered_papers(body, unit, count)

    # A query's matches: a subquery on PostgreSQL; on SQLite the Python engine reads the
    # candidates and their attachments first (two queries, whatever the count).
    with django_assert_max_num_queries(6):
        response = client.get(list_url(**params))

    assert len(response.context["papers"]) == min(count, 25)


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize("params", [{}, {"q": "Programm", "year": "2013", "state": "draft"}])
def test_list_queries_do_not_grow_for_a_clerk(client, django_assert_max_num_queries, clerk, unit, count, params):
    _numbered_papers(unit.body, unit, count)
    client.force_login(clerk)

    # As for anonymous readers: two more queries on SQLite for a text query.
    with django_assert_max_num_queries(13):
        response = client.get(list_url(**params))

    assert len(response.context["papers"]) == min(count * (1 if params else 2), 25)


# The detail page: who may see it


def test_anonymous_sees_released_public_paper(client, released_paper):
    response = client.get(detail_url(released_paper))

    assert response.status_code == 200
    assert response.context["paper"] == released_paper


def test_draft_is_404_for_anonymous(client, draft):
    response = client.get(detail_url(draft))

    assert response.status_code == 404
    assert draft.name not in response.text
    assert "404.html" in [template.name for template in response.templates]


def test_draft_is_404_for_clerk_of_another_unit(client, other_clerk, draft):
    client.force_login(other_clerk)

    assert client.get(detail_url(draft)).status_code == 404


@pytest.mark.parametrize("user_fixture", ["clerk", "head", "office", "admin_user"])
def test_draft_is_visible_to_its_unit_and_the_office(client, request, draft, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))

    response = client.get(detail_url(draft))

    assert response.status_code == 200
    assert draft.name in response.text


def test_non_public_paper_is_404_for_anonymous(client, non_public_paper):
    assert client.get(detail_url(non_public_paper)).status_code == 404


def test_non_public_paper_is_visible_to_member_of_consulting_committee(client, member, non_public_paper):
    client.force_login(member)

    response = client.get(detail_url(non_public_paper))

    assert response.status_code == 200
    assert non_public_paper.name in response.text


def test_non_public_paper_is_404_for_member_of_another_committee(client, body, non_public_paper):
    outsider = UserFactory(username="outsider")
    MembershipFactory(
        person=PersonFactory(body=body, user=outsider), organization=CommitteeFactory(body=body, name="Bauausschuss")
    )
    client.force_login(outsider)

    assert client.get(detail_url(non_public_paper)).status_code == 404


def test_unknown_reference_is_404(client, db):
    assert client.get(reverse("resolutions:paper_detail", kwargs={"reference": "20999999"})).status_code == 404


# The detail page: what it shows


def test_detail_shows_every_part_of_the_seed(client, released_paper):
    response = client.get(detail_url(released_paper))
    html = response.text

    assert escape('Bund-Länder-Programm "Soziale Stadt"') in html
    assert "Beitritt zum Bündnis für Soziale Stadtentwicklung in Rheinland-Pfalz" in html
    assert "KSD 20135317" in html
    # The Sachverhalt's list of aims is a list, not a run of dashes.
    assert "<li>Den strategischen Ansatz eines ressortübergreifenden Handelns zu stärken</li>" in html
    assert "ANTRAG" in html
    assert "Der Stadtrat möge wie folgt beschließen:" in html
    assert "<p>Die Stadt Ludwigshafen unterstützt das Bündnis und erklärt ihren Beitritt zum Bündnis.</p>" in html
    assert "Es fallen keine Mitgliedsbeiträge an." in html
    assert "Bereich Stadtentwicklung (5-11)" in html
    assert str(Paper.Type.RESOLUTION.label) in html
    assert str(Paper.State.RELEASED.label) in html


def test_detail_shows_beratungsfolge_with_decision_and_votes(client, released_paper, committee):
    council = CommitteeFactory(body=released_paper.body, name="Stadtrat")
    ConsultationFactory(
        paper=released_paper, organization=committee, role=Consultation.Role.PRELIMINARY, authoritative=False, order=1
    )
    deciding = ConsultationFactory(paper=released_paper, organization=council, order=2)
    decision = DecisionFactory(
        consultation=deciding,
        result=Decision.Result.ADOPTED,
        date=datetime.date(2013, 3, 18),
        votes_yes=47,
        votes_no=0,
        votes_abstain=0,
        votes_biased=2,
        unanimous=True,
    )
    FactionVoteFactory(decision=decision, faction__body=released_paper.body, faction__name="SPD-Fraktion", votes_yes=20)

    response = client.get(detail_url(released_paper))
    html = response.text

    assert [c.organization.name for c in response.context["consultations"]] == [committee.name, "Stadtrat"]
    assert str(Consultation.Role.PRELIMINARY.label) in html
    assert str(Decision.Result.ADOPTED.label) in html
    with translation.override("de"):
        assert f"{gettext('yes')} 47" in html
        assert f"{gettext('befangen')} 2" in html
        assert gettext("unanimous") in html
    assert "SPD-Fraktion" in html


def test_decision_at_non_public_item_is_hidden_from_anonymous_but_not_from_members(
    client, member, released_paper, committee
):
    item = AgendaItemFactory(meeting=MeetingFactory(body=released_paper.body), public=False)
    consultation = ConsultationFactory(paper=released_paper, organization=committee, agenda_item=item)
    DecisionFactory(consultation=consultation, agenda_item=item, result=Decision.Result.REJECTED)

    anonymous = client.get(detail_url(released_paper))
    client.force_login(member)
    insider = client.get(detail_url(released_paper))

    assert str(Decision.Result.REJECTED.label) not in anonymous.text
    assert str(Decision.Result.REJECTED.label) in insider.text


def test_detail_lists_only_attachments_the_user_may_download(client, member, non_public_paper):
    AttachmentFactory(paper=non_public_paper, name="Lageplan", public=True)
    AttachmentFactory(paper=non_public_paper, name="Wertgutachten", public=False)
    released = ReleasedPaperFactory(body=non_public_paper.body, under_direction_of=non_public_paper.under_direction_of)
    public_one = AttachmentFactory(paper=released, name="Gründungserklärung", file_name="gruendung.pdf", size=2048)
    AttachmentFactory(paper=released, name="Interne Notiz", public=False)

    anonymous = client.get(detail_url(released))
    client.force_login(member)
    insider = client.get(detail_url(non_public_paper))

    assert list(anonymous.context["attachments"]) == [public_one]
    assert "Interne Notiz" not in anonymous.text
    assert public_one.get_absolute_url() in anonymous.text
    # Short for the eye, in words for a screen reader (resolutions_tags.file_facts), in German by default.
    assert '<span aria-hidden="true">PDF, 2,0 KB</span>' in anonymous.text
    assert '<span class="visually-hidden">PDF-Dokument, 2,0 Kilobyte</span>' in anonymous.text
    assert {a.name for a in insider.context["attachments"]} == {"Lageplan", "Wertgutachten"}


def test_detail_shows_alliance_memberships_decided_by_the_paper(client, released_paper):
    alliance = AllianceFactory(body=released_paper.body, name="Bündnis für Soziale Stadtentwicklung")
    AllianceMembershipFactory(alliance=alliance, paper=released_paper)

    response = client.get(detail_url(released_paper))

    assert "Bündnis für Soziale Stadtentwicklung" in response.text
    assert len(response.context["alliance_memberships"]) == 1


def test_detail_does_not_run_script_from_the_text(client, body, unit):
    paper = ReleasedPaperFactory(
        body=body, under_direction_of=unit, explanation="Text <script>alert('x')</script> <img src=x onerror=alert(1)>"
    )

    response = client.get(detail_url(paper))

    assert "alert('x')" not in response.text
    assert "onerror" not in response.text


# Query counts stay flat as data grows


def _papers(body, unit, count):
    for _index in range(count):
        ReleasedPaperFactory(body=body, under_direction_of=unit, subject_line="Programm")


@pytest.mark.parametrize("count", [5, 50])
def test_list_queries_do_not_grow_with_papers(client, django_assert_max_num_queries, body, unit, count):
    _papers(body, unit, count)

    # The page, the count, the body in the header and the organizations of the filter form.
    with django_assert_max_num_queries(4):
        response = client.get(reverse("resolutions:paper_list"))

    assert len(response.context["papers"]) == min(count, 25)


@pytest.mark.parametrize("count", [5, 50])
def test_list_queries_do_not_grow_for_a_member(client, django_assert_max_num_queries, member, committee, count):
    for _index in range(count):
        paper = ReleasedPaperFactory(body=committee.body, public=False)
        ConsultationFactory(paper=paper, organization=committee)
    client.force_login(member)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("resolutions:paper_list"))

    assert len(response.context["papers"]) == min(count, 25)


def _consulted_paper(body, unit, count):
    paper = ReleasedPaperFactory(body=body, under_direction_of=unit)
    meeting = MeetingFactory(body=body)
    for order in range(1, count + 1):
        consultation = ConsultationFactory(
            paper=paper,
            organization=CommitteeFactory(body=body),
            order=order,
            authoritative=order == count,
            agenda_item=AgendaItemFactory(meeting=meeting),
        )
        decision = DecisionFactory(consultation=consultation, votes_yes=order)
        FactionVoteFactory(decision=decision, faction__body=body)
        AttachmentFactory(paper=paper, order=order)
    return paper


@pytest.mark.parametrize("count", [5, 50])
def test_detail_queries_do_not_grow_with_consultations(client, django_assert_max_num_queries, body, unit, count):
    paper = _consulted_paper(body, unit, count)

    # One more than the document needs: the timeline of events; and one for the page cache's
    # version of the Vorlage (an anonymous reader's page is then stored).
    with django_assert_max_num_queries(12):
        response = client.get(detail_url(paper))

    assert len(response.context["consultations"]) == count
    assert len(response.context["attachments"]) == count


@pytest.mark.parametrize("count", [5, 50])
def test_detail_queries_do_not_grow_for_a_member(client, django_assert_max_num_queries, member, unit, count):
    paper = _consulted_paper(unit.body, unit, count)
    client.force_login(member)

    with django_assert_max_num_queries(17):
        response = client.get(detail_url(paper))

    assert len(response.context["consultations"]) == count


# Attachment downloads


def download_url(attachment, reference=None):
    return reverse(
        "resolutions:attachment_download",
        kwargs={"reference": reference or attachment.paper.reference, "pk": attachment.pk},
    )


def test_anonymous_downloads_public_attachment_of_released_paper(client, released_paper):
    attachment = AttachmentFactory(paper=released_paper, file_name="gruendungserklaerung.pdf")

    response = client.get(download_url(attachment))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="gruendungserklaerung.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "private" in response["Cache-Control"]


def test_non_public_attachment_is_404_for_anonymous(client, released_paper):
    attachment = AttachmentFactory(paper=released_paper, public=False)

    assert client.get(download_url(attachment)).status_code == 404


def test_non_public_attachment_is_downloadable_by_member_of_consulting_committee(
    client, member, released_paper, committee
):
    ConsultationFactory(paper=released_paper, organization=committee)
    attachment = AttachmentFactory(paper=released_paper, public=False)
    client.force_login(member)

    response = client.get(download_url(attachment))

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_attachment_of_draft_is_404_for_anonymous_even_with_its_url(client, draft):
    attachment = AttachmentFactory(paper=draft, public=True)

    assert client.get(download_url(attachment)).status_code == 404


def test_attachment_with_wrong_reference_is_404(client, released_paper, body, unit):
    attachment = AttachmentFactory(paper=released_paper)
    other = ReleasedPaperFactory(body=body, under_direction_of=unit)

    assert client.get(download_url(attachment, reference=other.reference)).status_code == 404


def test_attachment_with_missing_file_is_404(client, released_paper):
    attachment = AttachmentFactory(paper=released_paper)
    attachment.file.storage.delete(attachment.file.name)

    assert client.get(download_url(attachment)).status_code == 404


# Markdown


def test_markdown_removes_script_and_event_handlers():
    html = render_markdown("Hallo <script>alert(1)</script>\n\n<img src=x onerror=alert(1)> <b onclick=x()>fett</b>")

    assert "<script" not in html
    assert "alert(1)" not in html
    assert "onerror" not in html
    assert "onclick" not in html
    assert "fett" in html


def test_markdown_renders_lists_and_emphasis():
    html = render_markdown("Ziele:\n\n- *erstens*\n- **zweitens**\n\n1. eins\n2. zwei")

    assert "<ul>\n<li><em>erstens</em></li>\n<li><strong>zweitens</strong></li>\n</ul>" in html
    assert "<ol>\n<li>eins</li>\n<li>zwei</li>\n</ol>" in html


def test_markdown_keeps_safe_links_and_drops_javascript_urls():
    html = render_markdown("[gut](https://example.org) [böse](javascript:alert(1))")

    assert '<a href="https://example.org" rel="noopener noreferrer">gut</a>' in html
    assert "javascript:" not in html


def test_markdown_nests_headings_below_the_page_title():
    assert render_markdown("# Ziele") == "<h3>Ziele</h3>"


def test_markdown_of_empty_text_is_empty():
    assert render_markdown("") == ""


def test_list_query_finds_what_the_search_finds_attachments_included(client, body, unit):
    found = ReleasedPaperFactory(body=body, under_direction_of=unit, name="Zuschuss", explanation="Kein Wort davon.")
    AttachmentFactory(paper=found, text="Die Drehleiter der Feuerwehr ist alt.")
    hidden = ReleasedPaperFactory(body=body, under_direction_of=unit, name="Anderes", explanation="Nichts.")
    AttachmentFactory(paper=hidden, public=False, text="Eine Drehleiter, nicht öffentlich.")
    ReleasedPaperFactory(body=body, under_direction_of=unit, name="Die Drehleitern", explanation="Neue Drehleitern.")

    response = client.get(list_url(q="Drehleiter"))

    # German stems: "Drehleitern" is found too; a non-public attachment's text finds nothing.
    assert {paper.name for paper in response.context["papers"]} == {"Zuschuss", "Die Drehleitern"}
