"""Every object the demo serves through the OParl API keeps the rules of the OParl 1.1 schema."""

from dataclasses import replace

import pytest

from oparl.validation import TYPES, type_name_of, validate_object
from tests.oparl.crawl_support import crawl_ratsbuch, rolled_back_demo

# The mark makes pytest-django set up the test database the module-scoped crawl runs in.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def served(django_db_setup, django_db_blocker, tmp_path_factory):
    """The crawl of the demo: every object fetched at its own URL."""
    with rolled_back_demo(django_db_blocker, tmp_path_factory.mktemp("media")):
        report = crawl_ratsbuch(follow_web=False)
    return report


def test_the_demo_serves_every_type_of_oparl_1_1(served):
    assert set(served.counts) == set(TYPES)
    assert all(served.counts[type_name] >= 1 for type_name in TYPES)


@pytest.mark.parametrize("type_name", TYPES)
def test_every_served_object_of_the_type_validates(served, type_name):
    objects = {url: obj for url, obj in served.objects.items() if type_name_of(obj.get("type")) == type_name}
    assert objects, f"the demo serves no {type_name} at its own URL"
    problems = [
        str(replace(problem, url=url)) for url, obj in objects.items() for problem in validate_object(obj, type_name)
    ]
    assert problems == []


def test_the_system_object_names_oparl_1_1(served):
    (system,) = [obj for obj in served.objects.values() if type_name_of(obj.get("type")) == "System"]
    assert system["oparlVersion"] == "https://schema.oparl.org/1.1/"
    assert system["id"] == "http://testserver/oparl/v1.1/"
