"""The Vorlage page from the page cache (council.page_cache): whom it serves, and what renews it.

Each write service that changes what the public page shows must give the next anonymous
reader a fresh page; logged-in readers and readers with a session are never served, nor
stored, from the cache.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from council import services as council_services
from council.page_cache import CSRF_PLACEHOLDER
from resolutions import services
from resolutions.models import Decision, Paper
from tests.council.conftest import at, meeting_of
from tests.factories import AttachmentFactory

R = Decision.Result


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def committee_meeting(committee):
    return meeting_of(committee, start=at(datetime.date(2013, 3, 4)), name="23. Sitzung des Sozialausschusses")


@pytest.fixture
def item(paper, office, committee_meeting):
    return services.agenda_item_add(meeting=committee_meeting, by=office, paper=paper)


def url(paper: Paper) -> str:
    return reverse("resolutions:paper_detail", kwargs={"reference": paper.reference})


def page(client, paper: Paper):
    response = client.get(url(paper))
    assert response.status_code == 200
    return response


def test_second_anonymous_request_is_served_from_the_cache(client, paper, django_assert_max_num_queries):
    first = page(client, paper)
    assert first["X-Page-Cache"] == "miss"

    # The version of the Vorlage, nothing else.
    with django_assert_max_num_queries(1):
        second = page(client, paper)

    assert second["X-Page-Cache"] == "hit"
    assert paper.name in second.content.decode()


def test_each_reader_gets_their_own_csrf_token(client, paper):
    page(client, paper)
    client.cookies.clear()

    cached = page(client, paper)

    body = cached.content.decode()
    assert CSRF_PLACEHOLDER not in body
    token = cached.wsgi_request.META["CSRF_COOKIE"]
    assert 'name="csrfmiddlewaretoken"' in body
    # The masked token of the form belongs to this reader's cookie.
    from django.middleware.csrf import _unmask_cipher_token

    field = body.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert _unmask_cipher_token(field) == token


def test_a_logged_in_reader_is_never_served_or_stored(client, paper, member):
    client.force_login(member)

    first = page(client, paper)
    second = page(client, paper)

    assert "X-Page-Cache" not in first
    assert "X-Page-Cache" not in second
    client.logout()
    client.cookies.clear()
    assert page(client, paper)["X-Page-Cache"] == "miss"


def test_an_insiders_page_never_reaches_the_public(client, paper, clerk):
    client.force_login(clerk)
    insider = page(client, paper).content.decode()
    client.logout()
    client.cookies.clear()

    public = page(client, paper)

    assert public["X-Page-Cache"] == "miss"
    assert public.context["insider"] is False
    assert public.content.decode() != insider


def test_a_reader_with_a_session_or_a_query_is_not_served_from_the_cache(client, paper):
    page(client, paper)

    client.cookies["sessionid"] = "whatever"
    assert "X-Page-Cache" not in page(client, paper)
    del client.cookies["sessionid"]
    response = client.get(url(paper) + "?x=1")
    assert "X-Page-Cache" not in response


def test_a_non_public_paper_is_a_404_and_not_cached(client, paper):
    Paper.objects.filter(pk=paper.pk).update(public=False)

    assert client.get(url(paper)).status_code == 404
    assert client.get(url(paper)).status_code == 404


def test_language_is_part_of_the_key(client, paper):
    page(client, paper)

    german = client.get(url(paper), HTTP_ACCEPT_LANGUAGE="de")

    assert german["X-Page-Cache"] == "miss"
    assert german["Content-Language"] == "de"


# --- each write that changes the page renews it ----------------------------------------
def _renewed(client, paper, write) -> None:
    assert page(client, paper)["X-Page-Cache"] == "miss"
    assert page(client, paper)["X-Page-Cache"] == "hit"
    write()
    assert page(client, paper)["X-Page-Cache"] == "miss"


def test_renewed_by_a_state_change(client, paper, head):
    def withdraw():
        services.paper_withdraw(paper=paper, by=head, comment="Erledigt.")

    _renewed(client, paper, withdraw)


def test_renewed_by_a_new_attachment(client, paper):
    # The services add attachments to drafts only, which the public does not see; an import
    # (or the admin) can add one to a released Vorlage.
    _renewed(client, paper, lambda: AttachmentFactory(paper=paper, name="Lageplan Nordstadt", public=True))
    assert "Lageplan Nordstadt" in page(client, paper).content.decode()


def test_renewed_by_a_removed_attachment(client, paper):
    first = AttachmentFactory(paper=paper, name="Erste Anlage", public=True)
    AttachmentFactory(paper=paper, name="Zweite Anlage", public=True)

    _renewed(client, paper, first.delete)
    assert "Erste Anlage" not in page(client, paper).content.decode()


def test_renewed_by_an_agenda_item(client, paper, office, committee_meeting):
    _renewed(client, paper, lambda: services.agenda_item_add(meeting=committee_meeting, by=office, paper=paper))
    assert "23. Sitzung des Sozialausschusses" in page(client, paper).content.decode()


def test_renewed_by_a_meeting_moved(client, paper, office, item, committee_meeting):
    def move():
        council_services.meeting_update(meeting=committee_meeting, by=office, name="Sondersitzung Soziales")

    _renewed(client, paper, move)
    assert "Sondersitzung Soziales" in page(client, paper).content.decode()


def test_renewed_by_a_decision_recorded(client, paper, office, item, committee_meeting, committee_seats):
    council_services.attendance_record(meeting=committee_meeting, by=office, present=committee_seats)
    council_services.meeting_hold(meeting=committee_meeting, by=office)

    def decide():
        services.decision_record(item=item, by=office, result=R.ADOPTED, votes_yes=5, unanimous=True)

    _renewed(client, paper, decide)


def test_renewed_by_an_item_made_non_public(client, paper, office, item):
    _renewed(client, paper, lambda: services.agenda_item_set_public(item=item, by=office, public=False))
