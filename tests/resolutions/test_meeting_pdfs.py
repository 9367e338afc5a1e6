"""The invitation and the Niederschrift of a meeting as PDF, and finalising the minutes.

The realistic case is the demo's 41. Sitzung des Stadtrates of 18 March 2013, which decided
KSD 20135317; the edge cases are built with factories. Content is checked in the text pypdf
extracts, not only in the bytes.
"""

import datetime
import hashlib
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils.translation import gettext
from pypdf import PdfReader

from council.models import Attendance, Meeting
from resolutions import services
from resolutions.models import Decision, Minutes
from resolutions.pdf import pdf_text
from tests.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    ConsultationFactory,
    DecisionFactory,
    FactionFactory,
    FactionVoteFactory,
    LocationFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
    ReleasedPaperFactory,
)
from tests.resolutions.conftest import messages_of

COUNCIL_MEETING = "41. Sitzung des Stadtrates"
SECRET_ITEM = "Grundstücksangelegenheit Flurstück 2417/3"


# An invitation that went out: what the public may download.
SENT = {"state": Meeting.State.INVITED, "invited_at": datetime.datetime(2013, 2, 22, 10, tzinfo=datetime.UTC)}


def before(message: str) -> str:
    """The text of a message up to its first placeholder, as the active language prints it."""
    return gettext(message).split("%(")[0].strip()


def words(data: bytes) -> str:
    """The text of a PDF with all runs of whitespace as one space."""
    return " ".join(pdf_text(data).split())


def invitation_url(meeting: Meeting) -> str:
    return reverse("resolutions:meeting_invitation_pdf", kwargs={"pk": meeting.pk})


def minutes_url(meeting: Meeting) -> str:
    return reverse("resolutions:meeting_minutes_pdf", kwargs={"pk": meeting.pk})


def finalise_url(meeting: Meeting) -> str:
    return reverse("resolutions:meeting_minutes_finalise", kwargs={"pk": meeting.pk})


def user(username: str):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def demo(db):
    """The demo's Stadtrat meeting of 18 March 2013, with a non-public item added at the end."""
    call_command("load_demo", verbosity=0)
    meeting = Meeting.objects.get(name=COUNCIL_MEETING)
    last = meeting.agenda_items.order_by("-order").first()
    AgendaItemFactory(meeting=meeting, order=last.order + 1, number=str(last.order + 1), name=SECRET_ITEM, public=False)
    return meeting


@pytest.fixture
def held(body, committee):
    """A held committee meeting with one public item and its decision, built from factories."""
    meeting = MeetingFactory(
        body=body,
        name="7. Sitzung des Ausschusses für Straßenbau und Grünflächen",
        organizations=[committee],
        location=LocationFactory(body=body, description="Großer Saal, Rathaus", room="Großer Saal"),
        state=Meeting.State.HELD,
    )
    item = AgendaItemFactory(meeting=meeting, order=1, number="1", name="Änderung der Gebührensatzung für Müllabfuhr")
    paper = ReleasedPaperFactory(body=body, reference="20130042")
    consultation = ConsultationFactory(paper=paper, organization=committee, agenda_item=item)
    DecisionFactory(
        consultation=consultation,
        agenda_item=item,
        resolution_text="Die Satzung wird geändert.",
        votes_yes=5,
        votes_no=1,
    )
    return meeting


def _response_pdf(response) -> bytes:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


# --- the invitation ----------------------------------------------------------------------
def test_invitation_lists_the_public_items_with_their_ksd_numbers(demo, client):
    response = client.get(invitation_url(demo))

    data = _response_pdf(response)
    assert response["Content-Disposition"] == f'inline; filename="Einladung-{demo.pk}.pdf"'
    assert data.startswith(b"%PDF-")
    text = words(data)
    assert "Stadt Ludwigshafen am Rhein" in text
    assert gettext("Invitation") in text
    assert COUNCIL_MEETING in text
    assert "18. März 2013" in text
    assert "14:00" in text
    assert "Stadtratssaal" in text
    assert "Rathausplatz 20" in text
    assert "KSD 20135317" in text
    for item in demo.agenda_items.filter(public=True):
        assert f"{item.number} " in text
    assert gettext("Yours sincerely,").rstrip(",") in text
    assert "Oberbürgermeisterin" in text


def test_anonymous_invitation_has_no_trace_of_the_non_public_part(demo, client):
    text = words(_response_pdf(client.get(invitation_url(demo))))

    assert SECRET_ITEM not in text
    assert "Flurstück" not in text
    assert "Nichtöffentlicher Teil" not in text


@pytest.mark.parametrize("username", ["member", "office", "admin"])
def test_insiders_invitation_has_the_non_public_part(demo, client, username):
    client.force_login(user(username))

    text = words(_response_pdf(client.get(invitation_url(demo))))

    assert "Nichtöffentlicher Teil" in text
    assert SECRET_ITEM in text


def test_clerk_outside_the_meeting_gets_the_public_invitation(demo, client):
    client.force_login(user("clerk"))

    text = words(_response_pdf(client.get(invitation_url(demo))))

    assert SECRET_ITEM not in text


def test_invitation_of_a_meeting_without_items_says_the_agenda_follows(client, body, committee):
    meeting = MeetingFactory(body=body, name="1. Sitzung", organizations=[committee], **SENT)

    text = words(_response_pdf(client.get(invitation_url(meeting))))

    assert gettext("The agenda will follow.") in text
    assert "1. Sitzung" in text


def test_umlauts_and_sharp_s_render_and_extract(client, body, committee):
    meeting = MeetingFactory(
        body=body, name="Sitzung des Ausschusses für Straßenbau und Grünflächen", organizations=[committee], **SENT
    )
    AgendaItemFactory(meeting=meeting, order=1, number="1", name="Änderung der Gebührensatzung – Übergangsregelung")

    text = words(_response_pdf(client.get(invitation_url(meeting))))

    assert "Sitzung des Ausschusses für Straßenbau und Grünflächen" in text
    assert "Änderung der Gebührensatzung – Übergangsregelung" in text
    assert "Ausschuss für Soziales und Integration" in text


def test_invitation_bytes_are_the_same_for_the_same_data(client, body, committee):
    meeting = MeetingFactory(body=body, organizations=[committee], **SENT)
    AgendaItemFactory(meeting=meeting, order=1, number="1")

    first = _response_pdf(client.get(invitation_url(meeting)))
    second = services.invitation_render(meeting=meeting, insider=False)

    assert first == second


def test_cancelled_meeting_has_no_invitation(client, body, committee):
    meeting = MeetingFactory(body=body, organizations=[committee], state=Meeting.State.CANCELLED)

    assert client.get(invitation_url(meeting)).status_code == 404


def test_unknown_meeting_has_no_documents(client, db):
    assert client.get(reverse("resolutions:meeting_invitation_pdf", kwargs={"pk": 999999})).status_code == 404
    assert client.get(reverse("resolutions:meeting_minutes_pdf", kwargs={"pk": 999999})).status_code == 404


# --- the Niederschrift -------------------------------------------------------------------
def test_minutes_record_attendance_results_votes_and_resolution_text(demo, client):
    decision = Decision.objects.get(agenda_item__meeting=demo)
    excused = demo.attendances.filter(status=Attendance.Status.EXCUSED).select_related("person").first().person
    present = demo.attendances.filter(status=Attendance.Status.PRESENT).select_related("person").last().person

    response = client.get(minutes_url(demo))

    data = _response_pdf(response)
    assert response["Content-Disposition"] == f'inline; filename="Niederschrift-{demo.pk}.pdf"'
    text = words(data)
    assert gettext("Minutes") in text
    assert "Entwurf" in text
    assert "Anwesenheit" in text
    assert excused.family_name in text
    assert present.family_name in text
    assert "SPD-Fraktion" in text
    assert "KSD 20135317" in text
    assert "Ergebnis: beschlossen" in text
    assert f"Ja {decision.votes_yes} · Nein {decision.votes_no} · Enthaltungen {decision.votes_abstain}" in text
    assert "FDP" in text
    assert "Beschlusstext" in text
    assert "Der Stadtrat" in text or "Stadtrat" in text
    first_words = " ".join(decision.resolution_text.split()[:3])
    assert first_words in text


def test_minutes_print_faction_and_unanimity(held, client):
    decision = Decision.objects.get(agenda_item__meeting=held)
    faction = FactionFactory(body=held.body, name="Fraktion Grüne Aue Süß")
    FactionVoteFactory(decision=decision, faction=faction, votes_yes=5, votes_no=1)
    person = PersonFactory(body=held.body, given_name="Jörg", family_name="Weißmüller")
    MembershipFactory(person=person, organization=held.organizations.get(), on_behalf_of=faction)
    AttendanceFactory(meeting=held, person=person)
    Decision.objects.filter(pk=decision.pk).update(votes_no=0, unanimous=True)
    decision.faction_votes.update(votes_no=0)

    text = words(_response_pdf(client.get(minutes_url(held))))

    assert "Jörg Weißmüller" in text
    assert "Fraktion Grüne Aue Süß" in text
    assert "(einstimmig)" in text
    assert "Die Satzung wird geändert." in text
    assert "Änderung der Gebührensatzung für Müllabfuhr" in text


def test_anonymous_minutes_hide_the_non_public_part(demo, client):
    text = words(_response_pdf(client.get(minutes_url(demo))))

    assert SECRET_ITEM not in text
    assert "Nichtöffentlicher Teil" not in text


def test_members_minutes_show_the_non_public_part(demo, client):
    client.force_login(user("member"))

    text = words(_response_pdf(client.get(minutes_url(demo))))

    assert SECRET_ITEM in text
    assert "Nichtöffentlicher Teil" in text


@pytest.mark.parametrize("state", [Meeting.State.SCHEDULED, Meeting.State.INVITED, Meeting.State.CANCELLED])
def test_minutes_only_for_held_meetings(client, office, body, committee, state):
    meeting = MeetingFactory(body=body, organizations=[committee], state=state)
    client.force_login(office)

    assert client.get(minutes_url(meeting)).status_code == 404


# --- finalising --------------------------------------------------------------------------
def test_office_finalises_the_minutes(demo, client):
    office = user("office")
    client.force_login(office)

    response = client.post(finalise_url(demo))

    assert response.status_code == 302
    assert response["Location"] == reverse("council:meeting_detail", kwargs={"pk": demo.pk})
    minutes = Minutes.objects.get(meeting=demo)
    assert minutes.finalised_by == office
    assert minutes.finalised_at is not None
    with minutes.file.open("rb") as handle:
        full = handle.read()
    with minutes.public_file.open("rb") as handle:
        public = handle.read()
    assert hashlib.sha512(full).hexdigest() == minutes.sha512
    assert hashlib.sha512(public).hexdigest() == minutes.public_sha512
    assert SECRET_ITEM in words(full)
    assert SECRET_ITEM not in words(public)
    assert "Entwurf" not in words(full)
    assert before("Finalised by the council office on %(date)s.") in words(full)


def test_finalised_minutes_do_not_change_when_a_decision_is_edited(demo, client):
    minutes = services.minutes_finalise(meeting=demo, by=user("office"))
    before_public = _response_pdf(client.get(minutes_url(demo)))
    client.force_login(user("member"))
    before_full = _response_pdf(client.get(minutes_url(demo)))

    Decision.objects.filter(agenda_item__meeting=demo).update(resolution_text="Nachträglich geändert.")
    after_full = _response_pdf(client.get(minutes_url(demo)))
    client.logout()
    after_public = _response_pdf(client.get(minutes_url(demo)))

    assert after_full == before_full
    assert after_public == before_public
    assert hashlib.sha512(after_full).hexdigest() == minutes.sha512
    assert hashlib.sha512(after_public).hexdigest() == minutes.public_sha512
    assert "Nachträglich" not in words(after_public)
    # Unfinalised, the same edit would show.
    assert "Nachträglich" in words(services.minutes_render(meeting=demo, insider=False))


def test_minutes_are_finalised_only_once(held, office, client):
    services.minutes_finalise(meeting=held, by=office)

    with pytest.raises(ValidationError) as refused:
        services.minutes_finalise(meeting=held, by=office)

    assert messages_of(refused.value) == [services.MINUTES_ALREADY_FINAL_ERROR]
    client.force_login(office)
    response = client.post(finalise_url(held), follow=True)
    assert response.status_code == 200
    assert Minutes.objects.filter(meeting=held).count() == 1
    assert before(str(services.MINUTES_ALREADY_FINAL_ERROR)) in response.content.decode()


@pytest.mark.parametrize("state", [Meeting.State.SCHEDULED, Meeting.State.INVITED, Meeting.State.CANCELLED])
def test_minutes_of_a_meeting_not_held_cannot_be_finalised(body, committee, office, state):
    meeting = MeetingFactory(body=body, organizations=[committee], state=state)

    with pytest.raises(ValidationError) as refused:
        services.minutes_finalise(meeting=meeting, by=office)

    assert messages_of(refused.value) == [services.MINUTES_NOT_HELD_ERROR]
    assert not Minutes.objects.exists()


@pytest.mark.parametrize("role", ["clerk", "head", "member"])
def test_only_the_office_finalises(held, client, request, role):
    someone = request.getfixturevalue(role)

    with pytest.raises(ValidationError) as refused:
        services.minutes_finalise(meeting=held, by=someone)
    assert messages_of(refused.value) == [services.MINUTES_ROLE_ERROR]

    client.force_login(someone)
    assert client.post(finalise_url(held)).status_code == 403
    assert not Minutes.objects.exists()


def test_anonymous_cannot_finalise(held, client):
    response = client.post(finalise_url(held))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert not Minutes.objects.exists()


def test_finalising_asks_first_and_a_get_changes_nothing(held, office, client):
    client.force_login(office)

    page = client.get(finalise_url(held))

    assert page.status_code == 200
    assert 'data-action="confirm-finalise"' in page.text
    assert not Minutes.objects.exists()


def test_finalised_file_that_was_tampered_with_is_not_served(held, office, client):
    minutes = services.minutes_finalise(meeting=held, by=office)
    with minutes.public_file.open("wb") as handle:
        handle.write(b"%PDF-1.7 not the record")

    assert client.get(minutes_url(held)).status_code == 404


# --- the meeting page --------------------------------------------------------------------
def test_meeting_page_links_the_documents_and_offers_finalising_to_the_office(held, office, client):
    page = client.get(reverse("council:meeting_detail", kwargs={"pk": held.pk})).content.decode()
    assert invitation_url(held) in page
    assert minutes_url(held) in page
    assert finalise_url(held) not in page

    client.force_login(office)
    page = client.get(reverse("council:meeting_detail", kwargs={"pk": held.pk})).content.decode()
    assert finalise_url(held) in page

    services.minutes_finalise(meeting=held, by=office)
    page = client.get(reverse("council:meeting_detail", kwargs={"pk": held.pk})).content.decode()
    assert finalise_url(held) not in page
    assert minutes_url(held) in page


def test_meeting_page_of_a_planned_meeting_has_no_minutes_link(body, committee, client):
    meeting = MeetingFactory(
        body=body, organizations=[committee], start=datetime.datetime(2030, 1, 1, 15, tzinfo=datetime.UTC)
    )

    page = client.get(reverse("council:meeting_detail", kwargs={"pk": meeting.pk})).content.decode()

    # Not sent yet: the public is not offered the office's draft as if it were the invitation.
    assert invitation_url(meeting) not in page
    assert minutes_url(meeting) not in page
    assert client.get(invitation_url(meeting)).status_code == 404


def test_the_office_sees_an_unsent_invitation_marked_as_a_draft(body, committee, client, office):
    meeting = MeetingFactory(
        body=body, organizations=[committee], start=datetime.datetime(2030, 1, 1, 15, tzinfo=datetime.UTC)
    )
    client.force_login(office)

    page = client.get(reverse("council:meeting_detail", kwargs={"pk": meeting.pk})).content.decode()
    text = words(_response_pdf(client.get(invitation_url(meeting))))

    assert invitation_url(meeting) in page
    assert gettext("draft, not sent").capitalize() in text


# --- accessible documents ----------------------------------------------------------------


def _tagging(data: bytes) -> dict:
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    kinds, alts, stack = set(), [], [root["/StructTreeRoot"].get_object()]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(item.get_object() for item in node)
            continue
        if not hasattr(node, "get"):
            continue
        if "/S" in node:
            kinds.add(str(node["/S"]))
            if node["/S"] == "/Figure":
                alts.append(node.get("/Alt"))
        if "/K" in node:
            kids = node["/K"]
            stack.extend(kids.get_object() if hasattr(kids, "get_object") else kids)
    return {
        "marked": bool(root["/MarkInfo"]["/Marked"]),
        "lang": root["/Lang"],
        "title": reader.metadata.title,
        "display_title": bool(root["/ViewerPreferences"]["/DisplayDocTitle"]),
        "kinds": kinds,
        "alts": alts,
    }


@pytest.mark.parametrize("document", ["invitation", "minutes"])
def test_meeting_documents_are_tagged_with_title_language_and_reading_order(client, held, office, document):
    client.force_login(office)
    url = invitation_url(held) if document == "invitation" else minutes_url(held)
    tagging = _tagging(_response_pdf(client.get(url)))
    assert tagging["marked"] and tagging["display_title"]
    assert tagging["lang"] == "de"
    assert held.name in tagging["title"]
    # A logical structure a screen reader follows: headings and paragraphs, not bare text.
    assert {"/H1", "/P"} <= tagging["kinds"] or {"/H2", "/P"} <= tagging["kinds"], tagging["kinds"]
    assert all(tagging["alts"]), "every figure has an alternative text"
