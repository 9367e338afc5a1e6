"""Drafting in the browser: the Vorlage form with its Beratungsfolge, preview, stale edits, attachments."""

import datetime
import hashlib
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from council.roles import Role
from resolutions import services
from resolutions.attachments import ALLOWED_LABELS, DISGUISED_FILE_ERROR, EMPTY_FILE_ERROR, FILE_TOO_LARGE_ERROR
from resolutions.forms.drafting import (
    FILE_NOT_KEPT_NOTE,
    NO_STEP_ERROR,
    STEP_ORGANIZATION_CHOICE_ERROR,
    TEXT_TOO_LONG_ERROR,
    UNIT_CHOICE_ERROR,
)
from resolutions.models import Attachment, Consultation, Paper, PaperEvent, ReferenceCounter
from resolutions.services import DATE_YEAR_ERROR, STALE_EDIT_ERROR
from resolutions.views.drafting import (
    ATTACHMENT_ADDED_MESSAGE,
    ATTACHMENT_REMOVED_MESSAGE,
    ATTACHMENT_REPLACED_MESSAGE,
    DRAFT_SAVED_MESSAGE,
)
from resolutions.workflow import (
    EDIT_NOT_DRAFT_ERROR,
    EDIT_ROLE_ERROR,
    MANY_AUTHORITATIVE_ERROR,
    NO_AUTHORITATIVE_ERROR,
    unit_label,
)
from tests.factories import (
    TINY_PDF,
    CommitteeFactory,
    MembershipFactory,
    OtherBodyFactory,
    PersonFactory,
    UserFactory,
)

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run."
OTHER_PDF = TINY_PDF.replace(b"200 200", b"300 300")
PRELIMINARY, DECISION = Consultation.Role.PRELIMINARY, Consultation.Role.DECISION


# --- helpers --------------------------------------------------------------------------
def shown(message, **params) -> str:
    """A message as the (German) page shows it, HTML-escaped."""
    with translation.override(settings.LANGUAGE_CODE):
        text = str(message) % params if params else str(message)
    return escape(text)


def create_url():
    return reverse("resolutions:paper_create")


def update_url(paper):
    return reverse("resolutions:paper_update", kwargs={"reference": paper.reference})


def detail_url(paper):
    return reverse("resolutions:paper_detail", kwargs={"reference": paper.reference})


def attachments_url(paper):
    return reverse("resolutions:attachment_list", kwargs={"reference": paper.reference})


def replace_url(attachment):
    return reverse(
        "resolutions:attachment_replace", kwargs={"reference": attachment.paper.reference, "pk": attachment.pk}
    )


def remove_url(attachment):
    return reverse(
        "resolutions:attachment_remove", kwargs={"reference": attachment.paper.reference, "pk": attachment.pk}
    )


def step_data(steps, *, initial=(), extra=0, orders=None) -> dict:
    """The Beratungsfolge formset's POST data, as a browser sends it.

    `steps` are (organization, role, authoritative) in order; `initial` the steps the page
    was loaded with: rows of them beyond the new steps come back marked for removal.
    """
    rows = list(steps) + [(*step, "removed") for step in list(initial)[len(steps) :]]
    data = {
        "steps-TOTAL_FORMS": str(len(rows) + extra),
        "steps-INITIAL_FORMS": str(len(initial)),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
    }
    for index, (organization, role, authoritative, *removed) in enumerate(rows):
        data[f"steps-{index}-organization"] = str(organization.pk)
        data[f"steps-{index}-role"] = role
        data[f"steps-{index}-ORDER"] = str(orders[index] if orders else index + 1)
        if authoritative:
            data[f"steps-{index}-authoritative"] = "on"
        if removed:
            data[f"steps-{index}-DELETE"] = "on"
    for index in range(len(rows), len(rows) + extra):
        # An untouched extra row.
        data[f"steps-{index}-organization"] = ""
        data[f"steps-{index}-role"] = PRELIMINARY
        data[f"steps-{index}-ORDER"] = ""
    return data


def paper_data(*, steps, unit=None, version=None, public=True, initial=(), extra=0, orders=None, **fields) -> dict:
    data = {
        "paper_type": Paper.Type.RESOLUTION,
        "subject_line": 'Bund-Länder-Programm "Soziale Stadt"',
        "name": "Beitritt zum Bündnis für Soziale Stadtentwicklung",
        "date": "2013-02-20",
        "explanation": "Am 5. November 2012 hat sich in Trier das Bündnis gegründet.",
        "proposal_addressee": "Der Stadtrat möge wie folgt beschließen:",
        "proposal": "Die Stadt Ludwigshafen erklärt ihren Beitritt zum Bündnis.",
        "financial_impact": "Es fallen keine Mitgliedsbeiträge an.",
    }
    if public:
        data["public"] = "on"
    if unit is not None:
        data["under_direction_of"] = str(unit.pk)
    if version is not None:
        data["version"] = str(version)
    data.update(fields)
    data.update(step_data(steps, initial=initial, extra=extra, orders=orders))
    return data


def seed_steps(committee, city_council):
    return [(committee, PRELIMINARY, False), (city_council, DECISION, True)]


def edit_data(paper, *, version=None, **fields) -> dict:
    """What the edit form of `paper` sends back, with `fields` changed."""
    stored = [(c.organization, c.role, c.authoritative) for c in paper.consultations.order_by("order")]
    values = {
        "paper_type": paper.paper_type,
        "subject_line": paper.subject_line,
        "name": paper.name,
        "date": paper.date.isoformat(),
        "explanation": paper.explanation,
        "proposal_addressee": paper.proposal_addressee,
        "proposal": paper.proposal,
        "financial_impact": paper.financial_impact,
        **fields,
    }
    steps = values.pop("steps", stored)
    return paper_data(
        steps=steps,
        version=paper.version if version is None else version,
        public=values.pop("public", paper.public),
        initial=stored,
        **values,
    )


def counter_state(body):
    return list(ReferenceCounter.objects.filter(body=body).values_list("year", "last_number"))


def pdf(name="beitrittserklaerung.pdf", content=TINY_PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "attachments"
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def second_clerk(unit):
    """Another clerk of the same unit, editing the same draft at the same time."""
    user = UserFactory(username="secondclerk", roles=[Role.CLERK])
    MembershipFactory(person=PersonFactory(body=unit.body, user=user), organization=unit)
    return user


@pytest.fixture
def attachment(draft, clerk):
    return services.attachment_add(paper=draft, by=clerk, uploaded_file=pdf(), name="Beitrittserklärung")


def login(client, user):
    client.force_login(user)
    return client


# --- who may open the pages -----------------------------------------------------------
@pytest.mark.parametrize(
    "url", [lambda paper: create_url(), update_url, attachments_url], ids=["create", "update", "attachments"]
)
def test_anonymous_is_sent_to_the_login(client, draft, url):
    response = client.get(url(draft))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_clerk_opens_the_new_vorlage_form_with_their_unit_preselected(client, clerk, unit):
    response = login(client, clerk).get(create_url())

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["under_direction_of"].queryset) == [unit]
    assert form["under_direction_of"].value() == unit.pk
    assert escape("Der Stadtrat möge wie folgt beschließen:") in response.text
    assert 'enctype="multipart/form-data"' not in response.text  # no file input here


def test_new_vorlage_form_offers_only_the_units_the_clerk_works_for(client, other_clerk, unit):
    response = login(client, other_clerk).get(create_url())

    assert response.status_code == 200
    offered = list(response.context["form"].fields["under_direction_of"].queryset)
    assert unit not in offered
    assert [u.short_name for u in offered] == ["4-12"]


@pytest.mark.parametrize("who", ["head", "office", "member"])
def test_users_without_the_clerk_role_may_not_draft(request, client, who):
    response = login(client, request.getfixturevalue(who)).get(create_url())

    assert response.status_code == 403


def test_clerk_opens_the_edit_form_of_their_draft(client, clerk, draft):
    response = login(client, clerk).get(update_url(draft))

    assert response.status_code == 200
    assert response.context["form"]["version"].value() == draft.version
    assert escape(draft.name) in response.text
    assert response.context["formset"].initial_form_count() == 2


@pytest.mark.parametrize("who", ["other_clerk", "member"])
def test_draft_is_not_found_by_those_who_may_not_read_it(request, client, draft, who):
    user = login(client, request.getfixturevalue(who))

    assert user.get(update_url(draft)).status_code == 404
    assert user.post(update_url(draft), edit_data(draft, name="Gekapert")).status_code == 404
    assert user.get(attachments_url(draft)).status_code == 404
    draft.refresh_from_db()
    assert draft.name != "Gekapert"


@pytest.mark.parametrize("who", ["head", "office"])
def test_readers_who_may_not_edit_are_sent_to_the_vorlage_with_the_reason(request, client, draft, unit, who):
    user = login(client, request.getfixturevalue(who))

    response = user.post(update_url(draft), edit_data(draft, name="Geändert"), follow=True)

    assert response.redirect_chain == [(detail_url(draft), 302)]
    assert shown(EDIT_ROLE_ERROR, unit=unit_label(unit)) in response.text
    draft.refresh_from_db()
    assert draft.name != "Geändert"
    assert user.get(update_url(draft)).url == detail_url(draft)


@pytest.mark.parametrize("state", ["cosigning", "released"])
def test_a_vorlage_past_the_draft_is_not_editable(paper_in, client, clerk, state):
    paper = paper_in(state)
    name, version = paper.name, paper.version
    login(client, clerk)

    opened = client.get(update_url(paper), follow=True)
    posted = client.post(update_url(paper), edit_data(paper, name="Nachträglich"))

    assert opened.redirect_chain == [(detail_url(paper), 302)]
    reason = shown(EDIT_NOT_DRAFT_ERROR, state=paper.get_state_display())
    assert reason in opened.text
    assert reason in posted.text
    paper.refresh_from_db()
    assert (paper.name, paper.version) == (name, version)


def test_draft_submitted_while_the_clerk_typed_comes_back_with_the_input(client, clerk, head, draft):
    login(client, clerk)
    data = edit_data(draft, explanation="Zwei Stunden Arbeit.")
    services.paper_submit(paper=draft, by=clerk, cosigners=[head])

    response = client.post(update_url(draft), data)

    assert response.status_code == 200
    assert shown(EDIT_NOT_DRAFT_ERROR, state=Paper.State.COSIGNING.label) in response.text
    assert response.context["form"]["explanation"].value() == "Zwei Stunden Arbeit."
    draft.refresh_from_db()
    assert draft.explanation != "Zwei Stunden Arbeit."


def test_admin_may_open_both_forms(client, admin_user, draft):
    login(client, admin_user)

    assert client.get(create_url()).status_code == 200
    assert client.get(update_url(draft)).status_code == 200


# --- creating a draft -----------------------------------------------------------------
def test_clerk_creates_a_draft_with_its_beratungsfolge(client, clerk, body, unit, committee, city_council):
    login(client, clerk)

    response = client.post(create_url(), paper_data(steps=seed_steps(committee, city_council), unit=unit, extra=2))

    paper = Paper.objects.get()
    assert paper.reference == "20130001"
    assert response.status_code == 302
    assert response.url == detail_url(paper) == "/vorlagen/20130001/"
    assert (paper.body, paper.under_direction_of, paper.state) == (body, unit, Paper.State.DRAFT)
    assert paper.subject_line == 'Bund-Länder-Programm "Soziale Stadt"'
    assert paper.public is True
    assert list(paper.consultations.values_list("order", "organization", "role", "authoritative")) == [
        (1, committee.pk, PRELIMINARY, False),
        (2, city_council.pk, DECISION, True),
    ]
    event = PaperEvent.objects.get(paper=paper)
    assert (event.action, event.actor) == (PaperEvent.Action.CREATED, clerk)
    assert counter_state(body) == [(2013, 1)]


def test_success_message_names_the_ksd_number(client, clerk, unit, committee, city_council):
    login(client, clerk)

    response = client.post(create_url(), paper_data(steps=seed_steps(committee, city_council), unit=unit), follow=True)

    assert response.redirect_chain[-1][0] == "/vorlagen/20130001/"
    assert shown(DRAFT_SAVED_MESSAGE, reference="20130001") in response.text


def test_steps_are_saved_in_the_order_of_their_numbers_and_removed_rows_dropped(
    client, clerk, unit, committee, city_council, body
):
    hearing = CommitteeFactory(body=body, name="Beirat für Migration")
    data = paper_data(
        steps=[(committee, PRELIMINARY, False), (city_council, DECISION, True), (hearing, "Anhörung", False)],
        unit=unit,
        orders=[2, 3, 1],
    )
    data["steps-0-DELETE"] = "on"
    login(client, clerk)

    client.post(create_url(), data)

    paper = Paper.objects.get()
    assert list(paper.consultations.values_list("order", "organization")) == [(1, hearing.pk), (2, city_council.pk)]


def test_not_public_is_saved(client, clerk, unit, committee, city_council):
    login(client, clerk)

    client.post(create_url(), paper_data(steps=seed_steps(committee, city_council), unit=unit, public=False))

    assert Paper.objects.get().public is False


# --- bad input on the new draft -------------------------------------------------------
def assert_nothing_created(body):
    assert not Paper.objects.exists()
    assert not Consultation.objects.exists()
    assert counter_state(body) == []


def test_empty_title_is_refused_with_the_input_kept(client, clerk, body, unit, committee, city_council):
    login(client, clerk)

    response = client.post(
        create_url(),
        paper_data(steps=seed_steps(committee, city_council), unit=unit, name="", explanation="Mein langer Text."),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["name"]
    assert "Mein langer Text." in response.text
    assert escape('Bund-Länder-Programm "Soziale Stadt"') in response.text
    # The steps the clerk entered are still selected.
    formset = response.context["formset"]
    assert [f["organization"].value() for f in formset.forms[:2]] == [str(committee.pk), str(city_council.pk)]
    assert_nothing_created(body)


def test_a_sachverhalt_over_the_text_limit_is_refused_with_the_text_kept(
    client, clerk, body, unit, committee, city_council, settings
):
    settings.RATSBUCH_MAX_TEXT_CHARS = 1000
    login(client, clerk)
    long_text = ("Ausführliche Begründung. " * 50).strip()  # 1,249 characters

    response = client.post(
        create_url(), paper_data(steps=seed_steps(committee, city_council), unit=unit, explanation=long_text)
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["explanation"]
    assert shown(TEXT_TOO_LONG_ERROR, length="1.249", limit="1.000") in response.text
    assert response.context["form"]["explanation"].value() == long_text
    assert_nothing_created(body)


def test_a_sachverhalt_beyond_djangos_default_request_size_gets_the_forms_answer_not_a_refusal(
    client, clerk, body, unit, committee, city_council
):
    login(client, clerk)
    # About 1.5 million characters: over 2.5 MB as a browser sends it (URL-encoded), which
    # Django's default limit refused unread, so the text was lost. Now the form answers.
    long_text = ("Übergänge für Bürgerhäuser – Größe, Maße, Förderfähigkeit. " * 25_000).strip()
    data = urlencode(paper_data(steps=seed_steps(committee, city_council), unit=unit, explanation=long_text))
    assert 2_621_440 < len(data) <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    response = client.post(create_url(), data, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    assert [error.code for error in response.context["form"].errors.as_data()["explanation"]] == ["too_long"]
    assert response.context["form"]["explanation"].value() == long_text
    assert_nothing_created(body)


def test_a_sachverhalt_of_two_hundred_pages_is_saved(client, clerk, body, unit, committee, city_council):
    login(client, clerk)
    long_text = ("Übergänge für Bürgerhäuser – Größe, Maße, Förderfähigkeit. " * 8_000).strip()
    assert len(long_text) <= settings.RATSBUCH_MAX_TEXT_CHARS

    response = client.post(
        create_url(), paper_data(steps=seed_steps(committee, city_council), unit=unit, explanation=long_text)
    )

    assert response.status_code == 302
    assert Paper.objects.get().explanation == long_text


def test_a_form_beyond_the_request_limit_gets_a_page_that_says_the_input_is_still_in_the_browser(
    client, clerk, body, unit, committee, city_council, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    login(client, clerk)
    data = paper_data(steps=seed_steps(committee, city_council), unit=unit, explanation="x" * 5000)

    response = client.post(create_url(), urlencode(data), content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    with translation.override(settings.LANGUAGE_CODE):
        assert escape(translation.gettext("Form too large: nothing was saved")) in response.text
        assert "Zurück" in response.text
    assert_nothing_created(body)


def test_the_vorlage_form_tells_the_browser_the_largest_form_the_server_takes(client, clerk):
    login(client, clerk)

    page = client.get(create_url()).text

    assert f'data-max-bytes="{settings.DATA_UPLOAD_MAX_MEMORY_SIZE}"' in page
    assert "data-too-large hidden" in page


def test_beratungsfolge_without_a_deciding_step_is_refused(client, clerk, body, unit, committee, city_council):
    login(client, clerk)

    response = client.post(
        create_url(),
        paper_data(steps=[(committee, PRELIMINARY, False), (city_council, DECISION, False)], unit=unit),
    )

    assert response.status_code == 200
    assert shown(NO_AUTHORITATIVE_ERROR) in response.text
    assert response.context["form"].errors == {}
    assert_nothing_created(body)


def test_beratungsfolge_with_two_deciding_steps_is_refused(client, clerk, body, unit, committee, city_council):
    login(client, clerk)

    response = client.post(
        create_url(), paper_data(steps=[(committee, DECISION, True), (city_council, DECISION, True)], unit=unit)
    )

    assert response.status_code == 200
    assert shown(MANY_AUTHORITATIVE_ERROR, count=2) in response.text
    assert_nothing_created(body)


def test_empty_beratungsfolge_is_refused(client, clerk, body, unit):
    login(client, clerk)

    response = client.post(create_url(), paper_data(steps=[], unit=unit, extra=2))

    assert response.status_code == 200
    assert shown(NO_STEP_ERROR) in response.text
    assert_nothing_created(body)


def test_committee_of_another_body_is_not_offered_and_refused_when_posted(
    client, clerk, body, unit, committee, city_council
):
    foreign = CommitteeFactory(body=OtherBodyFactory(), name="Stadtrat Mainz")
    login(client, clerk)

    page = client.get(create_url())
    response = client.post(
        create_url(), paper_data(steps=[(committee, PRELIMINARY, False), (foreign, DECISION, True)], unit=unit)
    )

    assert "Stadtrat Mainz" not in page.text
    assert response.status_code == 200
    assert list(response.context["formset"].forms[1].errors) == ["organization"]
    assert shown(STEP_ORGANIZATION_CHOICE_ERROR) in response.text
    assert_nothing_created(body)


def test_unit_the_clerk_does_not_work_for_is_refused(client, other_clerk, body, unit, committee, city_council):
    login(client, other_clerk)

    response = client.post(create_url(), paper_data(steps=seed_steps(committee, city_council), unit=unit))

    assert response.status_code == 200
    assert shown(UNIT_CHOICE_ERROR) in response.text
    assert_nothing_created(body)


def test_refused_save_takes_no_number_from_later_drafts(client, clerk, body, unit, committee, city_council):
    login(client, clerk)
    client.post(create_url(), paper_data(steps=seed_steps(committee, city_council), unit=unit, name=""))

    client.post(create_url(), paper_data(steps=seed_steps(committee, city_council), unit=unit))

    assert list(Paper.objects.values_list("reference", flat=True)) == ["20130001"]


# --- preview --------------------------------------------------------------------------
def test_preview_shows_the_vorlage_and_saves_nothing(client, clerk, body, unit, committee, city_council):
    login(client, clerk)
    data = paper_data(
        steps=seed_steps(committee, city_council),
        unit=unit,
        explanation="Die Ziele sind:\n\n- *stärken*\n- fortentwickeln",
        preview="1",
    )

    response = client.post(create_url(), data)

    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview["paper"].name == "Beitritt zum Bündnis für Soziale Stadtentwicklung"
    assert "<li><em>stärken</em></li>" in response.text
    assert escape("Der Stadtrat möge wie folgt beschließen:") in response.text
    assert [c.organization for c in preview["consultations"]] == [committee, city_council]
    # The form is still filled in, ready to save.
    assert response.context["form"]["explanation"].value() == data["explanation"]
    assert_nothing_created(body)


def test_preview_sanitises_the_markdown(client, clerk, unit, committee, city_council):
    login(client, clerk)

    response = client.post(
        create_url(),
        paper_data(
            steps=seed_steps(committee, city_council), unit=unit, proposal="<script>alert(1)</script>", preview="1"
        ),
    )

    assert response.context["preview"] is not None
    assert "<script>alert(1)</script>" not in response.text


def test_preview_of_an_edit_changes_nothing(client, clerk, draft):
    version, name = draft.version, draft.name
    login(client, clerk)

    response = client.post(update_url(draft), {**edit_data(draft, name="Neuer Titel"), "preview": "1"})

    assert response.status_code == 200
    assert "Neuer Titel" in response.text
    assert f"KSD {draft.reference}" in response.text
    draft.refresh_from_db()
    assert (draft.name, draft.version) == (name, version)


def test_preview_with_errors_shows_the_errors_and_no_preview(client, clerk, body, unit, committee, city_council):
    login(client, clerk)

    response = client.post(
        create_url(), paper_data(steps=seed_steps(committee, city_council), unit=unit, name="", preview="1")
    )

    assert response.context["preview"] is None
    assert "name" in response.context["form"].errors
    assert_nothing_created(body)


# --- editing a draft ------------------------------------------------------------------
def test_clerk_saves_text_and_steps_of_a_draft_at_once(client, clerk, draft, committee, city_council):
    version = draft.version
    login(client, clerk)

    response = client.post(
        update_url(draft),
        edit_data(
            draft,
            name="Beitritt zum Bündnis (geändert)",
            steps=[(city_council, DECISION, True), (committee, "Kenntnisnahme", False)],
        ),
        follow=True,
    )

    assert response.redirect_chain == [(detail_url(draft), 302)]
    assert shown(DRAFT_SAVED_MESSAGE, reference=draft.reference) in response.text
    draft.refresh_from_db()
    assert draft.name == "Beitritt zum Bündnis (geändert)"
    assert draft.version > version
    assert list(draft.consultations.values_list("organization", "role")) == [
        (city_council.pk, DECISION),
        (committee.pk, "Kenntnisnahme"),
    ]


def test_text_only_edit_keeps_the_steps_and_counts_one_version(client, clerk, draft):
    steps_before = list(draft.consultations.values_list("pk", flat=True))
    version = draft.version
    login(client, clerk)

    client.post(update_url(draft), edit_data(draft, financial_impact="Keine Kosten."))

    draft.refresh_from_db()
    assert draft.financial_impact == "Keine Kosten."
    assert draft.version == version + 1
    assert list(draft.consultations.values_list("pk", flat=True)) == steps_before


def test_wrong_steps_on_edit_save_nothing(client, clerk, draft, committee, city_council):
    login(client, clerk)

    response = client.post(
        update_url(draft),
        edit_data(draft, name="Halb gespeichert?", steps=[(committee, DECISION, True), (city_council, DECISION, True)]),
    )

    assert response.status_code == 200
    assert shown(MANY_AUTHORITATIVE_ERROR, count=2) in response.text
    assert escape("Halb gespeichert?") in response.text
    draft.refresh_from_db()
    assert draft.name != "Halb gespeichert?"


def test_date_outside_the_ksd_year_is_shown_on_the_date_field(client, clerk, draft):
    login(client, clerk)

    response = client.post(update_url(draft), edit_data(draft, date="2014-01-10", name="Im neuen Jahr"))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["date"]
    assert shown(DATE_YEAR_ERROR, year=2013, reference=draft.reference) in response.text
    assert escape("Im neuen Jahr") in response.text
    draft.refresh_from_db()
    assert draft.date == datetime.date(2013, 2, 20)


def test_edit_without_a_version_is_refused(client, clerk, draft):
    data = edit_data(draft, name="Ohne Version")
    del data["version"]
    login(client, clerk)

    response = client.post(update_url(draft), data)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    draft.refresh_from_db()
    assert draft.name != "Ohne Version"


# --- two clerks edit the same version --------------------------------------------------
def test_stale_edit_keeps_both_versions_and_shows_the_difference(client, clerk, second_clerk, draft, committee):
    first, second = login(client, clerk), login(Client(), second_clerk)
    loaded = [c.get(update_url(draft)).context["form"]["version"].value() for c in (first, second)]
    assert loaded == [draft.version, draft.version]

    first.post(update_url(draft), edit_data(draft, version=loaded[0], name="Fassung der ersten Sachbearbeiterin"))
    response = second.post(
        update_url(draft),
        edit_data(draft, version=loaded[1], name="Fassung des zweiten Sachbearbeiters", proposal=draft.proposal),
    )

    assert response.status_code == 200
    assert shown(STALE_EDIT_ERROR) in response.text
    # The second clerk's input is still in the form, with the old version.
    form = response.context["form"]
    assert form["name"].value() == "Fassung des zweiten Sachbearbeiters"
    assert form["version"].value() == str(loaded[1])
    # ...and the table shows both values of what differs, and only that.
    stale = response.context["stale"]
    assert [(row["yours"], row["current"]) for row in stale["differences"]] == [
        ("Fassung des zweiten Sachbearbeiters", "Fassung der ersten Sachbearbeiterin")
    ]
    assert "Fassung der ersten Sachbearbeiterin" in response.text
    # The database keeps the first clerk's save.
    draft.refresh_from_db()
    assert draft.name == "Fassung der ersten Sachbearbeiterin"
    assert stale["current"].version == draft.version
    assert f'name="overwrite_version" value="{draft.version}"' in response.text


def test_stale_edit_shows_a_changed_beratungsfolge(client, clerk, second_clerk, draft, committee, city_council):
    first, second = login(client, clerk), login(Client(), second_clerk)
    mine = edit_data(draft)
    first.post(update_url(draft), edit_data(draft, steps=[(city_council, DECISION, True)]))

    response = second.post(update_url(draft), mine)

    rows = response.context["stale"]["differences"]
    assert [row["label"] for row in rows] == ["Beratungsfolge"]
    assert committee.name in rows[0]["yours"]
    assert committee.name not in rows[0]["current"]
    assert list(draft.consultations.values_list("organization", flat=True)) == [city_council.pk]


def test_saving_over_the_current_version_is_a_conscious_second_step(client, clerk, second_clerk, draft):
    first, second = login(client, clerk), login(Client(), second_clerk)
    old_version = draft.version
    first.post(update_url(draft), edit_data(draft, name="Erste Fassung"))
    mine = edit_data(draft, version=old_version, name="Zweite Fassung")
    stale = second.post(update_url(draft), mine).context["stale"]

    response = second.post(update_url(draft), {**mine, "overwrite_version": str(stale["current"].version)})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "Zweite Fassung"
    assert draft.version == stale["current"].version + 1


def test_taking_over_a_version_that_moved_on_again_is_refused_again(client, clerk, second_clerk, draft):
    first, second = login(client, clerk), login(Client(), second_clerk)
    old_version = draft.version
    first.post(update_url(draft), edit_data(draft, name="Erste Fassung"))
    mine = edit_data(draft, version=old_version, name="Zweite Fassung")
    seen = second.post(update_url(draft), mine).context["stale"]["current"].version
    draft.refresh_from_db()
    first.post(update_url(draft), edit_data(draft, name="Dritte Fassung"))

    response = second.post(update_url(draft), {**mine, "overwrite_version": str(seen)})

    assert response.status_code == 200
    assert response.context["stale"]["differences"][0]["current"] == "Dritte Fassung"
    draft.refresh_from_db()
    assert draft.name == "Dritte Fassung"


# --- attachments ----------------------------------------------------------------------
def test_clerk_sees_the_attachments_with_the_forms_to_change_them(client, clerk, attachment):
    response = login(client, clerk).get(attachments_url(attachment.paper))

    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.text
    assert replace_url(attachment) in response.text
    assert remove_url(attachment) in response.text
    assert attachment.sha512[:12] in response.text
    assert (
        reverse(
            "resolutions:attachment_download", kwargs={"reference": attachment.paper.reference, "pk": attachment.pk}
        )
        in response.text
    )


def test_head_reads_the_attachments_without_the_forms(client, head, attachment):
    response = login(client, head).get(attachments_url(attachment.paper))

    assert response.status_code == 200
    assert response.context["editable"] is False
    assert attachment.file_name in response.text
    assert replace_url(attachment) not in response.text
    assert 'enctype="multipart/form-data"' not in response.text


def test_clerk_uploads_a_pdf(client, clerk, draft):
    login(client, clerk)

    response = client.post(
        attachments_url(draft),
        {"file": pdf(), "attachment_type": Attachment.Type.ACCESSION_DECLARATION, "name": "Beitrittserklärung"},
        follow=True,
    )

    assert response.redirect_chain == [(attachments_url(draft), 302)]
    attachment = Attachment.objects.get(paper=draft)
    assert (attachment.name, attachment.attachment_type, attachment.public) == (
        "Beitrittserklärung",
        Attachment.Type.ACCESSION_DECLARATION,
        False,  # the checkbox was not sent
    )
    assert attachment.mime_type == "application/pdf"
    assert attachment.sha512 == hashlib.sha512(TINY_PDF).hexdigest()
    assert len(stored_files()) == 1
    assert shown(ATTACHMENT_ADDED_MESSAGE, name="Beitrittserklärung", reference=draft.reference) in response.text


def test_disguised_program_is_refused_with_the_input_kept(client, clerk, draft):
    login(client, clerk)

    response = client.post(
        attachments_url(draft),
        {
            "file": SimpleUploadedFile("gruendungserklaerung.pdf", EXE),
            "attachment_type": Attachment.Type.FOUNDING_DECLARATION,
            "name": "Gründungserklärung",
            "public": "on",
        },
    )

    assert response.status_code == 200
    assert (
        shown(DISGUISED_FILE_ERROR, name="gruendungserklaerung.pdf", claimed="PDF", allowed=ALLOWED_LABELS)
        in response.text
    )
    assert shown(FILE_NOT_KEPT_NOTE) in response.text
    form = response.context["upload_form"]
    assert list(form.errors) == ["file"]
    assert (form["name"].value(), form["attachment_type"].value(), form["public"].value()) == (
        "Gründungserklärung",
        Attachment.Type.FOUNDING_DECLARATION,
        True,
    )
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_a_pdf_with_javascript_is_refused_with_the_input_kept(client, clerk, draft):
    from resolutions.filecheck import PDF_SCRIPT_ERROR
    from tests.resolutions.documents import pdf_with

    login(client, clerk)
    hostile = pdf_with(b"/OpenAction<</S/JavaScript/JS(app.launchURL('https://evil.example'))>>")

    response = client.post(
        attachments_url(draft),
        {
            "file": SimpleUploadedFile("einladung.pdf", hostile, content_type="application/pdf"),
            "attachment_type": Attachment.Type.OPINION,
            "name": "Stellungnahme des Beirats",
        },
    )

    assert response.status_code == 200
    assert shown(PDF_SCRIPT_ERROR, name="einladung.pdf") in response.text
    form = response.context["upload_form"]
    assert list(form.errors) == ["file"]
    assert (form["name"].value(), form["attachment_type"].value(), form["public"].value()) == (
        "Stellungnahme des Beirats",
        Attachment.Type.OPINION,
        False,
    )
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_an_attachment_without_text_says_so_on_the_list(client, clerk, attachment):
    Attachment.objects.filter(pk=attachment.pk).update(text_state=Attachment.TextState.LIMITED)

    response = login(client, clerk).get(attachments_url(attachment.paper))

    assert shown(Attachment.TextState.LIMITED.label) in response.text


def test_over_large_file_is_refused(client, clerk, draft, settings):
    settings.RATSBUCH_MAX_UPLOAD_BYTES = 100
    login(client, clerk)

    response = client.post(attachments_url(draft), {"file": pdf(), "attachment_type": "Anlage", "name": "Anlage 1"})

    assert response.status_code == 200
    with translation.override(settings.LANGUAGE_CODE):
        sizes = {"size": filesizeformat(len(TINY_PDF)), "limit": filesizeformat(100)}
    assert shown(FILE_TOO_LARGE_ERROR, name="beitrittserklaerung.pdf", **sizes) in response.text
    assert list(response.context["upload_form"].errors) == ["file"]
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_empty_file_is_refused_with_its_own_message(client, clerk, draft):
    login(client, clerk)

    response = client.post(
        attachments_url(draft), {"file": pdf(name="leer.pdf", content=b""), "attachment_type": "Anlage", "name": "X"}
    )

    assert shown(EMPTY_FILE_ERROR, name="leer.pdf") in response.text
    assert not Attachment.objects.exists()


def test_clerk_replaces_the_file_of_a_draft_attachment(client, clerk, attachment):
    login(client, clerk)

    response = client.post(replace_url(attachment), {"file": pdf(name="neu.pdf", content=OTHER_PDF)}, follow=True)

    assert response.redirect_chain == [(attachments_url(attachment.paper), 302)]
    assert shown(ATTACHMENT_REPLACED_MESSAGE, name=attachment.name) in response.text
    attachment.refresh_from_db()
    assert attachment.sha512 == hashlib.sha512(OTHER_PDF).hexdigest()
    assert attachment.file_name == "neu.pdf"


def test_refused_replacement_keeps_the_old_file_and_says_why(client, clerk, attachment):
    login(client, clerk)

    response = client.post(replace_url(attachment), {"file": SimpleUploadedFile("neu.pdf", EXE)})

    assert response.status_code == 200
    row = next(row for row in response.context["rows"] if row["attachment"].pk == attachment.pk)
    assert list(row["replace_form"].errors) == ["file"]
    assert shown(FILE_NOT_KEPT_NOTE) in response.text
    attachment.refresh_from_db()
    assert attachment.sha512 == hashlib.sha512(TINY_PDF).hexdigest()


def test_clerk_removes_an_attachment_of_a_draft(client, clerk, attachment):
    login(client, clerk)

    response = client.post(remove_url(attachment), follow=True)

    assert response.redirect_chain == [(attachments_url(attachment.paper), 302)]
    assert shown(ATTACHMENT_REMOVED_MESSAGE, name=attachment.name, reference=attachment.paper.reference) in (
        response.text
    )
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("url", [replace_url, remove_url], ids=["replace", "remove"])
def test_changes_to_attachments_need_post(client, clerk, attachment, url):
    response = login(client, clerk).get(url(attachment))

    assert response.status_code == 405
    assert Attachment.objects.filter(pk=attachment.pk).exists()


@pytest.mark.parametrize("url", [replace_url, remove_url], ids=["replace", "remove"])
def test_other_units_do_not_find_the_attachment(client, other_clerk, attachment, url):
    response = login(client, other_clerk).post(url(attachment), {"file": pdf(content=OTHER_PDF)})

    assert response.status_code == 404
    attachment.refresh_from_db()
    assert attachment.sha512 == hashlib.sha512(TINY_PDF).hexdigest()


def test_head_may_not_remove_and_is_told_why(client, head, attachment, unit):
    response = login(client, head).post(remove_url(attachment), follow=True)

    assert response.redirect_chain == [(attachments_url(attachment.paper), 302)]
    assert shown(EDIT_ROLE_ERROR, unit=unit_label(unit)) in response.text
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_attachments_are_fixed_once_released(client, clerk, attachment, released):
    login(client, clerk)
    page = client.get(attachments_url(released))

    replaced = client.post(replace_url(attachment), {"file": pdf(content=OTHER_PDF)}, follow=True)
    removed = client.post(remove_url(attachment), follow=True)
    uploaded = client.post(attachments_url(released), {"file": pdf(), "attachment_type": "Anlage", "name": "Neu"})

    assert page.status_code == 200
    assert page.context["editable"] is False
    assert shown(EDIT_NOT_DRAFT_ERROR, state=released.get_state_display()) in replaced.text
    assert shown(EDIT_NOT_DRAFT_ERROR, state=released.get_state_display()) in removed.text
    assert uploaded.status_code == 302
    attachment.refresh_from_db()
    assert attachment.sha512 == hashlib.sha512(TINY_PDF).hexdigest()
    assert Attachment.objects.filter(paper=released).count() == 1


# --- queries --------------------------------------------------------------------------
# Session, user, roles, person, memberships, units (2), paper, steps, committees, body: 11.
# The bound holds for any number of steps: the committees are read once for every row.
EDIT_PAGE_MAX_QUERIES = 12


@pytest.mark.parametrize("count", [2, 10])
def test_edit_page_queries_do_not_grow_with_the_steps(client, clerk, draft, body, count, django_assert_max_num_queries):
    committees = [CommitteeFactory(body=body) for _ in range(count)]
    steps = [{"organization": c, "role": PRELIMINARY, "authoritative": False} for c in committees]
    steps[-1].update(role=DECISION, authoritative=True)
    services.consultations_replace(paper=draft, by=clerk, steps=steps)
    login(client, clerk)

    with django_assert_max_num_queries(EDIT_PAGE_MAX_QUERIES):
        response = client.get(update_url(draft))

    assert response.context["formset"].initial_form_count() == count
