"""The OParl 1.1 checks of oparl.validation, each made to fail once with a hand-written object."""

import copy

import pytest

from oparl import validation as v
from oparl.validation import type_url, validate_list_page, validate_object

BASE = "https://ratsbuch.example.org/oparl/v1.1"
STAMPS = {"created": "2013-02-20T09:00:00+01:00", "modified": "2013-03-18T17:30:00+01:00"}


def _obj(type_name, pk=1, **props):
    return {"id": f"{BASE}/{type_name.lower()}/{pk}", "type": type_url(type_name), **props, **STAMPS}


def _file(pk=1, **props):
    return _obj(
        "File",
        pk,
        name="Beschlussvorlage",
        fileName="vorlage.pdf",
        mimeType="application/pdf",
        date="2013-02-20",
        size=1234,
        sha512Checksum="a" * 128,
        accessUrl=f"{BASE}/file/{pk}/access/",
        downloadUrl=f"{BASE}/file/{pk}/download/",
        **props,
    )


def _location(pk=1, **props):
    return _obj(
        "Location",
        pk,
        description="Stadtratssaal, Rathausplatz 20",
        streetAddress="Rathausplatz 20",
        postalCode="67059",
        locality="Ludwigshafen am Rhein",
        geojson={"type": "Feature", "geometry": {"type": "Point", "coordinates": [8.44, 49.48]}, "properties": {}},
        **props,
    )


def good_objects():
    """One valid object of every type, fetched on its own (with its back references)."""
    body_url = f"{BASE}/body/1"
    return {
        "System": _obj(
            "System",
            oparlVersion="https://schema.oparl.org/1.1/",
            body=f"{BASE}/body/",
            name="Ratsbuch",
            website="https://ratsbuch.example.org/",
            vendor="https://ratsbuch.example.org/",
            product="https://ratsbuch.example.org/",
            license="https://creativecommons.org/licenses/by/4.0/",
        ),
        "Body": _obj(
            "Body",
            system=f"{BASE}/",
            name="Stadt Ludwigshafen am Rhein",
            shortName="Ludwigshafen",
            ags="07314000",
            organization=f"{body_url}/organization/",
            person=f"{body_url}/person/",
            meeting=f"{body_url}/meeting/",
            paper=f"{body_url}/paper/",
            agendaItem=f"{body_url}/agendaItem/",
            consultation=f"{body_url}/consultation/",
            file=f"{body_url}/file/",
            locationList=f"{body_url}/location/",
            legislativeTermList=f"{body_url}/legislativeTerm/",
            membership=f"{body_url}/membership/",
            legislativeTerm=[
                _obj("LegislativeTerm", name="Wahlperiode 2009–2014", startDate="2009-07-01", endDate="2014-06-30")
            ],
            location=_location(),
            web="https://ratsbuch.example.org/",
        ),
        "LegislativeTerm": _obj(
            "LegislativeTerm", body=body_url, name="Wahlperiode 2009–2014", startDate="2009-07-01", endDate="2014-06-30"
        ),
        "Organization": _obj(
            "Organization",
            body=body_url,
            name="Ausschuss für Soziales und Integration",
            shortName="SozA",
            organizationType="Gremium",
            classification="Ausschuss",
            meeting=f"{BASE}/organization/1/meeting/",
            membership=[f"{BASE}/membership/1"],
            startDate="2009-07-01",
        ),
        "Person": _obj(
            "Person",
            body=body_url,
            name="Eva Muster",
            familyName="Muster",
            givenName="Eva",
            membership=[_obj("Membership", organization=f"{BASE}/organization/1", role="Mitglied", votingRight=True)],
        ),
        "Membership": _obj(
            "Membership",
            person=f"{BASE}/person/1",
            organization=f"{BASE}/organization/1",
            onBehalfOf=f"{BASE}/organization/2",
            role="Mitglied",
            votingRight=True,
            startDate="2009-07-01",
        ),
        "Meeting": _obj(
            "Meeting",
            name="12. Sitzung des Stadtrats",
            meetingState="durchgeführt",
            cancelled=False,
            start="2013-03-18T15:00:00+01:00",
            end="2013-03-18T19:00:00+01:00",
            location=_location(),
            organization=[f"{BASE}/organization/1"],
            invitation=_file(2),
            agendaItem=[_obj("AgendaItem", number="5", order=1, name="Beitritt zum Bündnis", public=True)],
        ),
        "AgendaItem": _obj(
            "AgendaItem",
            meeting=f"{BASE}/meeting/1",
            number="5",
            order=1,
            name="Beitritt zum Bündnis",
            public=True,
            consultation=f"{BASE}/consultation/1",
            result="beschlossen",
            resolutionText="Der Stadtrat beschließt den Beitritt.",
        ),
        "Paper": _obj(
            "Paper",
            body=body_url,
            name="Beitritt zum Bündnis für Soziale Stadtentwicklung",
            reference="20135317",
            date="2013-02-20",
            paperType="Beschlussvorlage",
            mainFile=_file(),
            auxiliaryFile=[_file(3)],
            underDirectionOf=[f"{BASE}/organization/3"],
            consultation=[_obj("Consultation", organization=[f"{BASE}/organization/1"], authoritative=True)],
        ),
        "Consultation": _obj(
            "Consultation",
            paper=f"{BASE}/paper/1",
            agendaItem=f"{BASE}/agendaitem/1",
            meeting=f"{BASE}/meeting/1",
            organization=[f"{BASE}/organization/1"],
            authoritative=True,
            role="Entscheidung",
        ),
        "File": _file(paper=[f"{BASE}/paper/1"]),
        "Location": _location(meetings=[f"{BASE}/meeting/1"]),
    }


def codes(problems):
    return {problem.code for problem in problems}


@pytest.mark.parametrize("type_name", v.TYPES)
def test_good_object_of_every_type_validates(type_name):
    obj = good_objects()[type_name]
    assert validate_object(obj, type_name) == []
    assert validate_object(obj) == []


def test_the_twelve_types_of_oparl_1_1_are_covered():
    assert set(v.TYPES) == {
        "System",
        "Body",
        "LegislativeTerm",
        "Organization",
        "Person",
        "Membership",
        "Meeting",
        "AgendaItem",
        "Paper",
        "Consultation",
        "File",
        "Location",
    }


MANDATORY = {
    "System": ["id", "type", "oparlVersion", "body", "created", "modified"],
    "Body": ["name", "organization", "person", "meeting", "paper", "legislativeTerm", "created", "modified"],
    "AgendaItem": ["order", "created", "modified"],
    "File": ["accessUrl", "created", "modified"],
    **{name: ["id", "type", "created", "modified"] for name in ("Organization", "Person", "Meeting", "Location")},
}


@pytest.mark.parametrize(
    ("type_name", "name"), [(type_name, name) for type_name, names in MANDATORY.items() for name in names]
)
def test_missing_mandatory_property_is_reported(type_name, name):
    obj = good_objects()[type_name]
    del obj[name]
    problems = validate_object(obj, type_name)
    assert [(p.path, p.code) for p in problems] == [(name, v.MISSING)]


@pytest.mark.parametrize(
    ("type_name", "name"),
    [("AgendaItem", "meeting"), ("Membership", "person"), ("Consultation", "paper"), ("LegislativeTerm", "body")],
)
def test_back_reference_is_needed_on_its_own_but_not_when_embedded(type_name, name):
    obj = good_objects()[type_name]
    del obj[name]
    assert codes(validate_object(obj, type_name)) == {v.BACKREF_MISSING}
    assert validate_object(obj, type_name, embedded=True) == []


@pytest.mark.parametrize(
    "value",
    [
        "https://schema.oparl.org/1.0/Paper",
        "https://oparl.org/schema/1.1/Paper",
        "https://schema.oparl.org/1.1/paper",
        "https://schema.oparl.org/1.1/Vorlage",
        "Paper",
    ],
)
def test_wrong_type_url_is_reported(value):
    paper = good_objects()["Paper"]
    paper["type"] = value
    assert codes(validate_object(paper, "Paper")) == {v.BAD_TYPE_URL}


def test_type_not_the_expected_one_is_reported():
    assert codes(validate_object(good_objects()["Meeting"], "Paper")) >= {v.TYPE_MISMATCH}


def test_object_of_unknown_type_without_expectation_is_reported_once():
    problems = validate_object({"id": f"{BASE}/x/1", "type": "https://schema.oparl.org/1.1/Thing"})
    assert codes(problems) == {v.BAD_TYPE_URL}


@pytest.mark.parametrize(("type_name", "name"), [("Paper", "reference"), ("Meeting", "start"), ("File", "size")])
def test_null_is_reported(type_name, name):
    obj = good_objects()[type_name]
    obj[name] = None
    assert [(p.path, p.code) for p in validate_object(obj, type_name)] == [(name, v.NULL)]


def test_null_in_a_mandatory_property_is_reported():
    body = good_objects()["Body"]
    body["paper"] = None
    assert codes(validate_object(body, "Body")) == {v.NULL}


@pytest.mark.parametrize(("type_name", "name"), [("Paper", "reference"), ("Person", "givenName"), ("Body", "name")])
def test_empty_string_is_reported(type_name, name):
    obj = good_objects()[type_name]
    obj[name] = ""
    assert [(p.path, p.code) for p in validate_object(obj, type_name)] == [(name, v.EMPTY_STRING)]


@pytest.mark.parametrize(
    ("type_name", "name"), [("Paper", "auxiliaryFile"), ("Meeting", "agendaItem"), ("Organization", "membership")]
)
def test_empty_array_of_an_optional_property_is_reported(type_name, name):
    obj = good_objects()[type_name]
    obj[name] = []
    assert [(p.path, p.code) for p in validate_object(obj, type_name)] == [(name, v.EMPTY_ARRAY)]


def test_empty_array_of_a_mandatory_list_is_fine():
    """ "Null-Werte und leere Listen": a mandatory list without entries is given as []."""
    body = good_objects()["Body"]
    body["legislativeTerm"] = []
    assert validate_object(body, "Body") == []


@pytest.mark.parametrize(
    "value", ["2013-03-18T15:00:00", "2013-03-18 15:00:00+01:00", "2013-03-18", "2013-02-30T15:00:00+01:00", 1363615200]
)
def test_date_time_without_time_zone_or_malformed_is_reported(value):
    meeting = good_objects()["Meeting"]
    meeting["start"] = value
    assert codes(validate_object(meeting, "Meeting")) == {v.BAD_DATETIME}


@pytest.mark.parametrize("value", ["2013-03-18T15:00:00Z", "2013-03-18T15:00:00.123456+01:00"])
def test_date_time_in_utc_or_with_fraction_is_fine(value):
    meeting = good_objects()["Meeting"]
    meeting["start"] = value
    assert validate_object(meeting, "Meeting") == []


@pytest.mark.parametrize("value", ["2013-02-30", "20.02.2013", "2013-02-20T00:00:00+01:00", "2013-2-20"])
def test_bad_date_is_reported(value):
    paper = good_objects()["Paper"]
    paper["date"] = value
    assert codes(validate_object(paper, "Paper")) == {v.BAD_DATE}


def test_created_and_modified_must_be_date_times():
    person = good_objects()["Person"]
    person["modified"] = "2013-03-18"
    assert [(p.path, p.code) for p in validate_object(person, "Person")] == [("modified", v.BAD_DATETIME)]


def test_unknown_property_is_reported():
    paper = good_objects()["Paper"]
    paper["ksdNumber"] = "20135317"
    problems = validate_object(paper, "Paper")
    assert [(p.path, p.code) for p in problems] == [("ksdNumber", v.UNKNOWN_PROPERTY)]


@pytest.mark.parametrize("name", ["ratsbuch:explanation", "herstellera:newWonderProperty", "x-y.z:faxNumber"])
def test_vendor_extension_is_accepted(name):
    paper = good_objects()["Paper"]
    paper[name] = "Ein Sachverhalt."
    assert validate_object(paper, "Paper") == []


@pytest.mark.parametrize("name", ["@ratsbuch:explanation", "rats@buch:explanation", ":explanation", "ratsbuch:"])
def test_vendor_prefix_with_at_sign_or_empty_parts_is_reported(name):
    paper = good_objects()["Paper"]
    paper[name] = "Ein Sachverhalt."
    assert codes(validate_object(paper, "Paper")) == {v.BAD_VENDOR_PREFIX}


def test_vendor_extension_keeps_the_null_rule():
    paper = good_objects()["Paper"]
    paper["ratsbuch:explanation"] = None
    assert codes(validate_object(paper, "Paper")) == {v.NULL}


@pytest.mark.parametrize(
    ("type_name", "name", "value"),
    [
        ("Paper", "name", 42),
        ("File", "size", "1234"),
        ("File", "size", 12.5),
        ("AgendaItem", "order", True),
        ("AgendaItem", "public", "true"),
        ("Meeting", "organization", f"{BASE}/organization/1"),
        ("Person", "title", "Dr."),
        ("Paper", "mainFile", [f"{BASE}/file/1"]),
    ],
)
def test_wrong_value_kind_is_reported(type_name, name, value):
    obj = good_objects()[type_name]
    obj[name] = value
    assert codes(validate_object(obj, type_name)) == {v.WRONG_KIND}


@pytest.mark.parametrize(
    ("type_name", "name", "value"),
    [
        ("Paper", "id", "/oparl/v1.1/paper/1"),
        ("Paper", "body", "body/1"),
        ("Body", "paper", "ftp://ratsbuch.example.org/paper/"),
        ("Meeting", "organization", ["organization 1"]),
        ("File", "accessUrl", "https:///file.pdf"),
    ],
)
def test_bad_url_is_reported(type_name, name, value):
    obj = good_objects()[type_name]
    obj[name] = value
    assert codes(validate_object(obj, type_name)) == {v.BAD_URL}


def test_embedded_object_is_validated_with_its_path():
    meeting = good_objects()["Meeting"]
    meeting["agendaItem"][0]["start"] = "2013-03-18T15:00"
    meeting["invitation"]["type"] = type_url("Paper")
    problems = validate_object(meeting, "Meeting")
    assert {(p.path, p.code) for p in problems} == {
        ("agendaItem[0].start", v.BAD_DATETIME),
        ("invitation.type", v.TYPE_MISMATCH),
    }


def test_embedded_object_needs_created_and_modified():
    paper = good_objects()["Paper"]
    del paper["consultation"][0]["modified"]
    assert [(p.path, p.code) for p in validate_object(paper, "Paper")] == [("consultation[0].modified", v.MISSING)]


def test_embedded_object_given_as_url_is_reported():
    meeting = good_objects()["Meeting"]
    meeting["agendaItem"] = [f"{BASE}/agendaitem/1"]
    assert [(p.path, p.code) for p in validate_object(meeting, "Meeting")] == [("agendaItem[0]", v.WRONG_KIND)]


@pytest.mark.parametrize(
    ("type_name", "name", "value"),
    [
        ("Organization", "organizationType", "Ausschuss"),
        ("System", "oparlVersion", "https://schema.oparl.org/1.0/"),
        ("File", "sha512Checksum", "abc"),
        ("File", "sha1Checksum", "z" * 40),
        ("File", "size", -1),
    ],
)
def test_values_the_specification_fixes_are_checked(type_name, name, value):
    obj = good_objects()[type_name]
    obj[name] = value
    assert codes(validate_object(obj, type_name)) == {v.BAD_VALUE}


@pytest.mark.parametrize(
    "geojson",
    [
        {"type": "Point", "coordinates": [8.44, 49.48]},
        {"type": "Feature", "properties": {}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [8.44, 49.48]}},
    ],
)
def test_geojson_must_be_a_complete_feature(geojson):
    location = good_objects()["Location"]
    location["geojson"] = geojson
    assert codes(validate_object(location, "Location")) == {v.BAD_GEOJSON}


def test_deleted_object_with_only_the_allowed_fields_is_fine():
    deleted = {"id": f"{BASE}/paper/9", "type": type_url("Paper"), "deleted": True, **STAMPS}
    assert validate_object(deleted, "Paper") == []


def test_deleted_object_with_other_fields_is_reported():
    paper = good_objects()["Paper"]
    paper["deleted"] = True
    problems = validate_object(paper, "Paper")
    assert codes(problems) == {v.DELETED_EXTRA}
    assert {p.path for p in problems} >= {"name", "reference", "mainFile"}


def test_deleted_object_keeps_created_and_modified():
    deleted = {"id": f"{BASE}/paper/9", "type": type_url("Paper"), "deleted": True}
    assert [(p.path, p.code) for p in validate_object(deleted, "Paper")] == [
        ("created", v.MISSING),
        ("modified", v.MISSING),
    ]


def test_not_an_object_is_reported():
    assert codes(validate_object([good_objects()["Paper"]], "Paper")) == {v.NOT_AN_OBJECT}


def test_problem_names_its_chapter_and_reads_well():
    meeting = good_objects()["Meeting"]
    meeting["start"] = "2013-03-18T15:00:00"
    (problem,) = validate_object(meeting, "Meeting")
    assert problem.chapter == v.CH_DATES
    assert str(problem).startswith("start: ")


# List pages --------------------------------------------------------------------


def good_page():
    return {
        "data": [good_objects()["Paper"]],
        "pagination": {"totalElements": 3, "elementsPerPage": 1, "currentPage": 1, "totalPages": 3},
        "links": {
            "first": f"{BASE}/body/1/paper/",
            "self": f"{BASE}/body/1/paper/",
            "next": f"{BASE}/body/1/paper/?page=2",
            "last": f"{BASE}/body/1/paper/?page=3",
            "web": "https://ratsbuch.example.org/vorlagen/",
        },
    }


def test_good_list_page_validates():
    assert validate_list_page(good_page(), "Paper") == []


def test_last_page_without_next_and_empty_list_are_fine():
    page = {"data": [], "pagination": {}, "links": {}}
    assert validate_list_page(page, "Paper") == []


@pytest.mark.parametrize("key", ["data", "pagination", "links"])
def test_list_page_without_data_pagination_or_links_is_reported(key):
    page = good_page()
    del page[key]
    assert [(p.path, p.code) for p in validate_list_page(page, "Paper")] == [(key, v.MISSING)]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda page: page.update(data={"0": good_objects()["Paper"]}), v.WRONG_KIND),
        (lambda page: page.update(items=[]), v.UNKNOWN_PROPERTY),
        (lambda page: page["pagination"].update(totalElements="3"), v.WRONG_KIND),
        (lambda page: page["pagination"].update(numberOfPages=3), v.UNKNOWN_PROPERTY),
        (lambda page: page["links"].update(next="?page=2"), v.BAD_URL),
        (lambda page: page["links"].update(nextPage=f"{BASE}/body/1/paper/?page=2"), v.UNKNOWN_PROPERTY),
        (lambda page: page["links"].update(prev=None), v.NULL),
        (lambda page: page["pagination"].update(elementsPerPage=0), v.BAD_PAGE),
        (lambda page: page["pagination"].update(currentPage=4), v.BAD_PAGE),
        (lambda page: page.update(links=[]), v.WRONG_KIND),
    ],
)
def test_malformed_list_page_is_reported(change, code):
    page = good_page()
    change(page)
    assert code in codes(validate_list_page(page, "Paper"))


def test_list_page_that_is_a_bare_array_is_reported():
    assert codes(validate_list_page([good_objects()["Paper"]], "Paper")) == {v.BAD_PAGE}


def test_objects_of_a_list_page_are_validated_with_their_path():
    page = good_page()
    page["data"].append(copy.deepcopy(page["data"][0]))
    page["data"][1]["type"] = type_url("Meeting")
    page["pagination"]["elementsPerPage"] = 2
    problems = validate_list_page(page, "Paper")
    assert [(p.path, p.code) for p in problems] == [("data[1].type", v.TYPE_MISMATCH)]


def test_list_page_accepts_vendor_extensions():
    page = good_page()
    page["ratsbuch:generated"] = "2013-03-18T17:30:00+01:00"
    page["links"]["ratsbuch:feed"] = "https://ratsbuch.example.org/feeds/vorlagen/"
    assert validate_list_page(page, "Paper") == []


def test_unknown_expected_type_is_a_programming_error():
    with pytest.raises(ValueError):
        validate_object({}, "Vorlage")
