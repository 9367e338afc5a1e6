"""The Beschlusskontrolle report: Mitteilungen with the table, public and non-public parts apart, the PDF."""

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from resolutions.models import Consultation, Paper, Tracking, TrackingReport
from resolutions.pdf import pdf_text
from resolutions.queries import pool_for_meeting
from resolutions.tracking import services
from resolutions.tracking.services import (
    NOT_A_COMMITTEE_ERROR,
    NOT_A_UNIT_ERROR,
    REPORT_GENERATE_ROLE_ERROR,
    REPORT_TWICE_ERROR,
)
from tests.council.conftest import at, meeting_of, user_named
from tests.resolutions.conftest import messages_of

AS_OF = datetime.date(2014, 1, 13)  # another year than the factories' KSD numbers
GENERATE = reverse("resolutions:tracking_report_generate")


def _generate(office, committee, unit, as_of=AS_OF):
    return services.tracking_report_generate(by=office, organization=committee, as_of=as_of, unit=unit)


def test_the_report_is_a_public_and_a_non_public_mitteilung(tracked, secret_tracked, office, committee, unit):
    report = _generate(office, committee, unit)
    public, secret = report.paper, report.nonpublic_paper
    assert (public.paper_type, public.public, public.state) == (Paper.Type.COMMUNICATION, True, Paper.State.RELEASED)
    assert (secret.public, secret.state) == (False, Paper.State.RELEASED)
    assert tracked.paper.reference in public.explanation and tracked.paper.name in public.explanation
    assert secret_tracked.paper.name not in public.explanation
    assert secret_tracked.paper.reference not in public.explanation
    assert secret_tracked.paper.name in secret.explanation
    step = public.consultations.get()
    assert (step.organization, step.role, step.authoritative) == (committee, Consultation.Role.NOTICE, True)
    # Ready for the committee's next agenda: both are in the office's pool.
    next_meeting = meeting_of(committee, start=at(datetime.date(2014, 1, 27)))
    assert {public, secret} <= set(pool_for_meeting(next_meeting))


def test_without_non_public_decisions_there_is_one_mitteilung(tracked, office, committee, unit):
    assert _generate(office, committee, unit).nonpublic_paper is None


def test_a_closed_decision_is_listed_once_more_and_then_leaves(tracked, secret_tracked, head, office, committee, unit):
    services.tracking_report(
        tracking=tracked, by=head, date=datetime.date(2013, 5, 6), text="Eröffnet.", state=Tracking.State.DONE
    )
    first = _generate(office, committee, unit)
    second = _generate(office, committee, unit, as_of=AS_OF + datetime.timedelta(days=30))
    assert tracked.paper.name in first.paper.explanation and "Eröffnet." in first.paper.explanation
    assert tracked.paper.name not in second.paper.explanation
    assert secret_tracked.paper.name in second.nonpublic_paper.explanation  # still open, still listed


def test_a_report_is_generated_once_per_day(tracked, office, committee, unit):
    report = _generate(office, committee, unit)
    with pytest.raises(ValidationError) as caught:
        _generate(office, committee, unit)
    assert messages_of(caught.value) == [REPORT_TWICE_ERROR]
    assert report.paper.reference in " ".join(caught.value.messages)
    assert TrackingReport.objects.count() == 1


@pytest.mark.parametrize("who", ["clerk", "head", "member"])
def test_only_the_office_generates(request, tracked, committee, unit, who):
    with pytest.raises(ValidationError) as caught:
        _generate(user_named(request, who), committee, unit)
    assert messages_of(caught.value) == [REPORT_GENERATE_ROLE_ERROR]


def test_bad_organization_and_unit_are_refused(tracked, office, committee, unit):
    with pytest.raises(ValidationError) as caught:
        _generate(office, unit, unit)
    assert messages_of(caught.value) == [NOT_A_COMMITTEE_ERROR]
    with pytest.raises(ValidationError) as caught:
        _generate(office, committee, committee)
    assert messages_of(caught.value) == [NOT_A_UNIT_ERROR]
    assert not Paper.objects.filter(paper_type=Paper.Type.COMMUNICATION).exists()


# --- the pages ----------------------------------------------------------------------------
@pytest.mark.parametrize(("who", "status"), [("clerk", 403), ("member", 403), ("office", 200)])
def test_only_the_office_opens_the_generate_form(client, request, db, who, status):
    client.force_login(user_named(request, who))
    assert client.get(GENERATE).status_code == status


def test_anonymous_must_log_in_to_generate(client, db):
    assert reverse("login") in client.get(GENERATE)["Location"]


def test_the_office_generates_in_the_browser(client, tracked, office, committee, unit):
    client.force_login(office)
    response = client.post(GENERATE, {"organization": committee.pk, "as_of": "2014-01-13", "unit": unit.pk})
    report = TrackingReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.paper.get_absolute_url()


def test_a_bad_generate_request_keeps_the_input(client, tracked, office, committee, unit):
    client.force_login(office)
    response = client.post(
        GENERATE, {"organization": committee.pk, "as_of": "10.06.13x", "unit": unit.pk}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.context["form"].errors["as_of"]
    assert 'value="10.06.13x"' in response.text
    assert not TrackingReport.objects.exists()


def _pdf(client, report):
    response = client.get(reverse("resolutions:tracking_report_pdf", kwargs={"pk": report.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


def test_the_pdf_shows_the_non_public_part_to_insiders_only(
    client, tracked, secret_tracked, office, member, committee, unit
):
    report = _generate(office, committee, unit)
    public_text = pdf_text(_pdf(client, report))
    assert tracked.paper.reference in public_text
    assert secret_tracked.paper.reference not in public_text
    client.force_login(member)
    assert secret_tracked.paper.reference in pdf_text(_pdf(client, report))


def test_the_pdf_is_pdf_a_and_the_same_bytes_for_the_same_report(
    client, tracked, office, committee, unit, settings, tmp_path
):
    report = _generate(office, committee, unit)
    first = _pdf(client, report)
    settings.MEDIA_ROOT = tmp_path / "other-cache"  # rendered again, not read from the cache
    assert _pdf(client, report) == first
    xmp = PdfReader(io.BytesIO(first)).trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part(>|=\")3", xmp)


def test_the_pdf_of_a_report_is_listed_on_the_overview(client, tracked, office, committee, unit):
    report = _generate(office, committee, unit)
    response = client.get(reverse("resolutions:tracking_list"))
    assert reverse("resolutions:tracking_report_pdf", kwargs={"pk": report.pk}) in response.text


def test_an_unknown_report_is_404(client, db):
    assert client.get(reverse("resolutions:tracking_report_pdf", kwargs={"pk": 999})).status_code == 404
