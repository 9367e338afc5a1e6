import random

import pytest
from django.core.management import CommandError, call_command

from council.models import AgendaItem, Body, Meeting, Membership, Person
from resolutions.models import Attachment, Consultation, Decision, Paper, ReferenceCounter
from resolutions.scale import SCALE_AGS, SCALE_BODY_EXISTS, _Text, load_scale

pytestmark = pytest.mark.django_db


def test_load_scale_writes_a_city_in_proportion():
    summary = load_scale(papers=120, seed=1)
    body = Body.objects.get(ags=SCALE_AGS)
    papers = Paper.objects.filter(body=body)
    assert papers.count() == summary.papers == 120
    assert not papers.filter(released_at__isnull=True).exists()
    assert set(papers.values_list("state", flat=True)) <= {
        Paper.State.RELEASED,
        Paper.State.IN_CONSULTATION,
        Paper.State.DECIDED,
        Paper.State.WITHDRAWN,
    }
    assert papers.filter(state=Paper.State.DECIDED).exists()
    assert Consultation.objects.filter(paper__body=body).count() == summary.consultations >= 120
    assert Meeting.objects.filter(body=body).count() == summary.meetings
    assert AgendaItem.objects.filter(meeting__body=body).count() == summary.agenda_items
    assert Decision.objects.filter(consultation__paper__body=body).count() == summary.decisions > 0
    assert Attachment.objects.filter(paper__body=body).exclude(text="").count() == summary.attachments > 0
    assert Person.objects.filter(body=body).count() == summary.people
    assert Membership.objects.filter(person__body=body).count() == summary.memberships
    # Ten years, several units and types; the KSD counters know the numbers taken.
    assert len({paper.date.year for paper in papers}) == 10
    assert papers.values("under_direction_of").distinct().count() > 3
    assert papers.values("paper_type").distinct().count() > 2
    assert ReferenceCounter.objects.filter(body=body).count() == 10


def test_load_scale_text_has_common_and_rare_words():
    load_scale(papers=200, seed=2)
    papers = Paper.objects.filter(body__ags=SCALE_AGS)
    common = papers.filter(explanation__contains="Stadtentwicklung").count()
    rare = papers.filter(explanation__contains="Drehleiter").count()
    assert common > 150
    assert rare < 60


def test_scale_text_is_the_same_for_the_same_seed():
    assert _Text(random.Random(5)).prose(80) == _Text(random.Random(5)).prose(80)
    assert _Text(random.Random(5)).prose(80) != _Text(random.Random(6)).prose(80)


def test_load_scale_refuses_a_second_load():
    load_scale(papers=5, seed=4)
    with pytest.raises(ValueError, match="already loaded"):
        load_scale(papers=5)
    with pytest.raises(CommandError) as error:
        call_command("load_scale", papers=5, verbosity=0)
    assert str(error.value) == SCALE_BODY_EXISTS


def test_load_scale_command_refuses_a_bad_size():
    with pytest.raises(CommandError):
        call_command("load_scale", papers=0, verbosity=0)


def test_load_scale_spreads_modified_over_the_years():
    load_scale(papers=40, seed=5)
    papers = Paper.objects.filter(body__ags=SCALE_AGS)
    assert papers.order_by("modified").first().modified.year == papers.order_by("date").first().date.year
    assert Paper._meta.get_field("modified").auto_now  # restored after the load
