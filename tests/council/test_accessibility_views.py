"""The accessibility statement, its feedback form, the Leichte Sprache page and the office's list of feedback."""

import pytest
from django.urls import reverse

from council.forms import EMAIL_INVALID, FEEDBACK_MESSAGE_REQUIRED
from council.models import AccessibilityFeedback
from council.roles import OFFICE_ONLY_MESSAGE
from council.views.accessibility import FEEDBACK_THANKS_MESSAGE

STATEMENT = reverse("council:accessibility")
FEEDBACK_LIST = reverse("council:accessibility_feedback_list")
EASY = reverse("council:easy_language")


@pytest.mark.parametrize("who", [None, "member", "clerk", "office"])
@pytest.mark.parametrize("url", [STATEMENT, EASY])
def test_everyone_reads_the_statement_and_the_easy_read_page(client, db, request, who, url):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(url)
    assert response.status_code == 200


def test_the_statement_says_its_conformance_date_and_enforcement_body(client, db, settings):
    settings.RATSBUCH_ENFORCEMENT_NAME = "Schlichtungsstelle des Landes Rheinland-Pfalz"
    settings.RATSBUCH_ENFORCEMENT_EMAIL = "schlichtung@example.de"
    settings.RATSBUCH_ACCESSIBILITY_STATEMENT_DATE = "2026-12-01"
    text = client.get(STATEMENT, headers={"accept-language": "de"}).content.decode()
    assert "teilweise vereinbar" in text
    assert "Schlichtungsstelle des Landes Rheinland-Pfalz" in text
    assert 'href="mailto:schlichtung@example.de"' in text
    assert "1. Dezember 2026" in text


def test_every_page_links_the_statement_and_the_easy_read_page_in_its_footer(client, db):
    footer = client.get(reverse("council:home")).content.decode().split('<footer class="site-footer')[1]
    assert f'href="{STATEMENT}"' in footer
    assert f'href="{EASY}"' in footer


@pytest.mark.parametrize("who", [None, "member"])
def test_anyone_sends_feedback_and_it_reaches_the_office(client, request, who, office):
    if who:
        client.force_login(request.getfixturevalue(who))
    data = {"message": "Der Kalender ist mit der Tastatur nicht bedienbar.", "page": "/sitzungen/kalender/"}
    response = client.post(STATEMENT, {**data, "email": "leserin@example.org"}, follow=True)
    assert response.redirect_chain[-1][0] == STATEMENT
    assert str(FEEDBACK_THANKS_MESSAGE) in [str(m) for m in response.context["messages"]]
    feedback = AccessibilityFeedback.objects.get()
    assert (feedback.message, feedback.page, feedback.email) == (data["message"], data["page"], "leserin@example.org")
    client.force_login(office)
    assert data["message"] in client.get(FEEDBACK_LIST).content.decode()


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"message": "   "}, "message", FEEDBACK_MESSAGE_REQUIRED),
        ({"message": "Kontrast zu schwach", "email": "keine-adresse"}, "email", EMAIL_INVALID),
    ],
)
def test_bad_feedback_is_refused_with_the_input_kept(client, db, data, field, error):
    response = client.post(STATEMENT, {"name": "Erika Muster", **data})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[field] == [str(error)]
    text = response.content.decode()
    assert 'value="Erika Muster"' in text
    assert 'aria-invalid="true"' in text
    assert f'id="id_{field}_error"' in text
    assert not AccessibilityFeedback.objects.exists()


def test_a_robot_filling_the_trap_is_thanked_and_nothing_is_saved(client, db):
    response = client.post(STATEMENT, {"message": "Cheap pills", "website": "http://spam.example"})
    assert response.status_code == 302
    assert not AccessibilityFeedback.objects.exists()


def test_the_trap_is_hidden_from_people(client, db):
    text = client.get(STATEMENT).content.decode()
    assert '<div class="rb-trap">' in text


@pytest.mark.parametrize("who", ["member", "clerk"])
def test_only_the_office_reads_the_feedback(client, request, who):
    client.force_login(request.getfixturevalue(who))
    AccessibilityFeedback.objects.create(message="Geheim? Nein, aber nur fürs Ratsbüro.")
    response = client.get(FEEDBACK_LIST)
    assert response.status_code == 403
    assert str(OFFICE_ONLY_MESSAGE) in response.content.decode()


def test_anonymous_is_sent_to_log_in_for_the_feedback(client, db):
    response = client.get(FEEDBACK_LIST)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_office_finds_the_feedback_from_its_desk(client, office):
    client.force_login(office)
    assert f'href="{FEEDBACK_LIST}"' in client.get(reverse("resolutions:desk")).content.decode()
