"""Every page of the site passes axe-core's WCAG 2.0/2.1 A and AA rules, for every role.

The pages come from the URL resolver: each named URL of the project is either visited here,
with its arguments taken from the demo data (`PAGE_ARGUMENTS`), or named in `NOT_PAGES` with
the reason it is no HTML page (a feed, a file, JSON, a POST-only action). A new URL that is
in neither makes `test_every_named_url_is_checked` fail, so none is forgotten.

Each role (anonymous, the demo logins) visits every page; what a role may not see it sees as
the 403 or 404 page, which is checked too. Forms are also sent with errors, so that the
error messages are checked as well as the empty forms.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from playwright.sync_api import expect

from alliances.models import Alliance, AllianceMembership
from council.following import confirm_token, unsubscribe_token
from council.models import Meeting, Organization, Person
from resolutions.models import Paper
from resolutions.tracking.models import ProgressReport, Tracking
from tests.factories import SubscriptionFactory

# All rules of WCAG 2.0 and 2.1 at levels A and AA; none is left out.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
# Sends a form of 1001 fields, which Django refuses with its 400 page.
TOO_MANY_FIELDS = """() => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = "/barrierefreiheit/";
    for (let i = 0; i <= 1000; i++) {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = `f${i}`;
        form.append(input);
    }
    document.body.append(form);
    form.submit();
}"""
ROLES = [None, "member", "clerk", "head", "office", "admin"]

# Named URLs that answer with something other than an HTML page, or only to a POST without a
# page of its own; Django's admin is its own application (see the accessibility statement).
NOT_PAGES = {
    "logout": "POST only, redirects",
    "set_language": "POST only, redirects",
    "password_change_done": "Django's default page, not linked",
    "password_reset": "password reset is not offered (no link, no mail template)",
    "password_reset_done": "password reset is not offered",
    "password_reset_confirm": "password reset is not offered",
    "password_reset_complete": "password reset is not offered",
    "password_change": "Django's default page, not linked",
    "resolutions:paper_feed_rss": "feed",
    "resolutions:paper_feed_atom": "feed",
    "resolutions:tracking_feed_atom": "feed",
    "resolutions:tracking_ical": "iCalendar",
    "council:search_feed_rss": "feed",
    "council:search_feed_atom": "feed",
    "council:meeting_ical": "iCalendar",
    "council:meeting_ical_organization": "iCalendar",
    "resolutions:attachment_download": "file",
    "resolutions:paper_pdf": "PDF (tests/resolutions/test_pdf.py checks its tags)",
    "resolutions:tracking_report_pdf": "PDF",
    "resolutions:item_document_download": "file",
    "resolutions:meeting_invitation_pdf": "PDF",
    "resolutions:meeting_minutes_pdf": "PDF",
    "resolutions:attachment_replace": "POST only; its errors show the attachment list",
    "resolutions:attachment_remove": "POST only, redirects",
    "resolutions:tracking_report": "POST only; its errors show the tracking page",
    "resolutions:meeting_minutes_mail": "POST only, redirects to the meeting",
    "council:otp_verify": "only between password and code; test_the_second_factor_pages_…",
    "council:otp_setup": "only for an account without its app; test_the_second_factor_pages_…",
    "council:follow": "POST only, redirects with a message",
    "council:meeting_supplement": "POST only, redirects",
    "council:meeting_dispatches_retry": "POST only, redirects",
    "alliances:representation_remove": "POST only, redirects",
}


@dataclass
class Demo:
    """The demo objects whose pages are visited."""

    paper: Paper  # public, decided, with attachments, consultations and a decision
    draft: Paper
    inquiry: Paper
    held: Meeting  # with agenda items and results
    upcoming: Meeting
    organization: Organization
    person: Person
    alliance: Alliance
    membership: AllianceMembership
    tracking: Tracking
    report: ProgressReport
    subscription_token: str
    unsubscribe_token: str


def demo_objects() -> Demo:
    paper = Paper.objects.get(reference="20135317")
    membership = AllianceMembership.objects.filter(representations__isnull=False).first()
    report = ProgressReport.objects.order_by("pk").first()
    stadtrat = Organization.objects.get(name="Stadtrat")
    subscription = SubscriptionFactory(organization=stadtrat, email="leser@example.org")
    return Demo(
        paper=paper,
        draft=Paper.objects.filter(state=Paper.State.DRAFT).first(),
        inquiry=Paper.objects.filter(name__startswith="Anfrage").first(),
        held=Meeting.objects.filter(state=Meeting.State.HELD, start__year=2013).order_by("-start").first(),
        upcoming=Meeting.objects.filter(state=Meeting.State.INVITED).first(),
        organization=Organization.objects.get(name="Stadtrat"),
        person=Person.objects.filter(memberships__isnull=False).first(),
        alliance=membership.alliance,
        membership=membership,
        tracking=report.tracking,
        report=report,
        subscription_token=confirm_token(subscription),
        unsubscribe_token=unsubscribe_token(subscription),
    )


def _item(meeting: Meeting) -> int:
    return meeting.agenda_items.filter(decision__isnull=False).order_by("order").first().pk


# Each page's URL arguments, from the demo objects.
PAGE_ARGUMENTS: dict[str, Callable[[Demo], dict]] = {
    "login": lambda d: {},
    "resolutions:desk": lambda d: {},
    "resolutions:paper_list": lambda d: {},
    "resolutions:paper_create": lambda d: {},
    "resolutions:paper_my_drafts": lambda d: {},
    "resolutions:paper_update": lambda d: {"reference": d.draft.reference},
    "resolutions:attachment_list": lambda d: {"reference": d.draft.reference},
    "resolutions:paper_transition": lambda d: {"reference": d.draft.reference, "transition": "submit"},
    "resolutions:paper_history": lambda d: {"reference": d.paper.reference},
    "resolutions:paper_detail": lambda d: {"reference": d.paper.reference},
    "resolutions:tracking_list": lambda d: {},
    "resolutions:tracking_my": lambda d: {},
    "resolutions:tracking_report_generate": lambda d: {},
    "resolutions:tracking_inquiry_assign": lambda d: {"reference": d.inquiry.reference},
    "resolutions:tracking_detail": lambda d: {"pk": d.tracking.pk},
    "resolutions:tracking_update": lambda d: {"pk": d.tracking.pk},
    "resolutions:tracking_report_correct": lambda d: {"pk": d.tracking.pk, "report": d.report.pk},
    "resolutions:agenda_edit": lambda d: {"pk": d.upcoming.pk},
    "resolutions:decision_record": lambda d: {"pk": d.held.pk, "item": _item(d.held)},
    "resolutions:meeting_minutes_edit": lambda d: {"pk": d.held.pk},
    "resolutions:meeting_minutes_finalise": lambda d: {"pk": d.held.pk},
    "alliances:alliance_list": lambda d: {},
    "alliances:alliance_create": lambda d: {},
    "alliances:alliance_detail": lambda d: {"slug": d.alliance.slug},
    "alliances:alliance_update": lambda d: {"slug": d.alliance.slug},
    "alliances:alliance_aims": lambda d: {"slug": d.alliance.slug},
    "alliances:membership_add": lambda d: {"slug": d.alliance.slug},
    "alliances:membership_propose": lambda d: {"slug": d.alliance.slug},
    "alliances:membership_exit": lambda d: {"slug": d.alliance.slug, "pk": d.membership.pk},
    "alliances:representation_add": lambda d: {"slug": d.alliance.slug, "pk": d.membership.pk},
    "council:home": lambda d: {},
    "council:search": lambda d: {},
    "council:meeting_list": lambda d: {},
    "council:meeting_calendar": lambda d: {},
    "council:meeting_detail": lambda d: {"pk": d.held.pk},
    "council:my_meetings": lambda d: {},
    "council:organization_list": lambda d: {},
    "council:organization_detail": lambda d: {"pk": d.organization.pk},
    "council:person_list": lambda d: {},
    "council:person_detail": lambda d: {"pk": d.person.pk},
    "council:follow_confirm": lambda d: {"token": d.subscription_token},
    "council:follow_unsubscribe": lambda d: {"token": d.unsubscribe_token},
    "council:notifications": lambda d: {},
    "council:meeting_create": lambda d: {},
    "council:meeting_update": lambda d: {"pk": d.upcoming.pk},
    "council:meeting_transition": lambda d: {"pk": d.upcoming.pk, "transition": "cancel"},
    "council:attendance_edit": lambda d: {"pk": d.held.pk},
    "council:outbox": lambda d: {},
    "council:accessibility": lambda d: {},
    "council:accessibility_feedback_list": lambda d: {},
    "council:easy_language": lambda d: {},
}
# Pages worth a second look with other data: a meeting before it is held, a search with hits.
EXTRA_PAGES: list[tuple[str, Callable[[Demo], dict], str]] = [
    ("council:meeting_detail", lambda d: {"pk": d.upcoming.pk}, ""),
    ("council:search", lambda d: {}, "?q=Spielplatz"),
    ("resolutions:paper_list", lambda d: {}, "?q=Stadt&state=decided"),
    ("council:meeting_calendar", lambda d: {}, "?month=2013-03"),
    ("resolutions:paper_detail", lambda d: {"reference": d.draft.reference}, ""),
    ("council:meeting_transition", lambda d: {"pk": d.upcoming.pk, "transition": "invite"}, ""),
]
# Forms sent empty (the browser's own checks switched off), so that the server's errors show.
FORMS_WITH_ERRORS = [
    ("clerk", "resolutions:paper_create", "button[name=save]"),
    ("office", "council:meeting_create", "main form [type=submit]"),
    ("office", "alliances:alliance_create", "main form [type=submit]"),
    (None, "council:accessibility", "main form [type=submit]"),
    ("member", "council:accessibility", "main form [type=submit]"),
]
# What every invalid field must have: a description, and each id it names on the page with text.
UNDESCRIBED_ERRORS = """() => Array.from(document.querySelectorAll('[aria-invalid="true"]'))
    .filter((field) => {
        const ids = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
        const target = field.closest("fieldset[aria-describedby]");
        if (target) ids.push(...target.getAttribute("aria-describedby").split(" "));
        return !ids.some((id) => id.endsWith("_error") && document.getElementById(id)?.textContent.trim());
    })
    .map((field) => field.name)"""


def named_urls(patterns=None, namespace=""):
    """Every named URL of the project as (name, route), admin excluded."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            if inner == "admin" or pattern.namespace == "oparl":
                continue
            yield from named_urls(pattern.url_patterns, inner or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), str(pattern.pattern)


def test_every_named_url_is_checked():
    names = {name for name, _ in named_urls()}
    unchecked = names - set(PAGE_ARGUMENTS) - set(NOT_PAGES)
    assert not unchecked, f"add these URLs to PAGE_ARGUMENTS or NOT_PAGES: {sorted(unchecked)}"
    assert not (set(PAGE_ARGUMENTS) | set(NOT_PAGES)) - names, "names of URLs that are gone"


def violations_of(page) -> list[str]:
    """axe's violations on the page, one line per rule and element."""
    results = Axe().run(page, options=AXE_OPTIONS)
    lines = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            lines.append(
                f"{page.url} [{violation['id']}, {violation['impact']}] {', '.join(map(str, node['target']))}: "
                f"{node['failureSummary'].splitlines()[-1].strip()} — {node['html'][:160]}"
            )
    return lines


def pages(demo: Demo) -> list[str]:
    paths = [reverse(name, kwargs=arguments(demo)) for name, arguments in PAGE_ARGUMENTS.items()]
    paths += [reverse(name, kwargs=arguments(demo)) + query for name, arguments, query in EXTRA_PAGES]
    paths += ["/gibt-es-nicht/", f"/vorlagen/{demo.paper.reference}/anlagen/999999/"]
    return paths


@pytest.mark.skipif(
    "postgresql" in settings.DATABASES["default"]["ENGINE"],
    reason="the pages' markup does not depend on the database; checked once, in the SQLite run (CI's time)",
)
@pytest.mark.parametrize("role", ROLES, ids=[role or "anonymous" for role in ROLES])
def test_no_page_has_accessibility_violations(new_page, demo, role):
    objects = demo_objects()
    page = new_page(role)
    found, seen, visited = [], set(), []
    login_url = reverse("login")
    for path in pages(objects):
        response = page.goto(path)
        page.locator("main").wait_for()
        if role is None and login_url in page.url and path != login_url:
            # Not for the public: the login page, checked once.
            if login_url in seen:
                continue
            seen.add(login_url)
        assert response.status < 500, (path, response.status)
        if response.status in (403, 404):
            # One refusal page of each kind a role: the others are the same template.
            if response.status in seen:
                continue
            seen.add(response.status)
        visited.append(path)
        found += violations_of(page)
    for role_name, name, button in FORMS_WITH_ERRORS:
        if role_name != role:
            continue
        page.goto(reverse(name))
        submit = page.locator(button).first
        submit.evaluate("button => { button.form.noValidate = true; }")
        submit.click()
        page.locator("[aria-invalid=true]").first.wait_for()
        undescribed = page.evaluate(UNDESCRIBED_ERRORS)
        assert not undescribed, f"{name}: invalid fields without their error as description: {undescribed}"
        visited.append(f"{name} (sent with errors)")
        found += violations_of(page)
    if role is None:
        # The 400 page: a form with more fields than Django takes (DATA_UPLOAD_MAX_NUMBER_FIELDS).
        page.goto("/")
        with page.expect_navigation():
            page.evaluate(TOO_MANY_FIELDS)
        expect(page.locator("main h1")).to_be_visible()
        visited.append("400")
        found += violations_of(page)
    print(f"{role or 'anonymous'}: axe checked {len(visited)} pages: {' '.join(visited)}")
    if found:
        # pytest.fail prints the whole list, where an assert's message would be cut short.
        pytest.fail(f"{len(found)} accessibility violations:\n" + "\n".join(found), pytrace=False)


def test_the_second_factor_pages_have_no_accessibility_violations(new_page, demo):
    """Set-up (an office account without its app yet) and the code asked at each login, empty and with an error."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user__username="admin").delete()
    found = []
    for username, heading_url in (("office", reverse("council:otp_verify")), ("admin", reverse("council:otp_setup"))):
        page = new_page()
        page.goto(reverse("login"))
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "ratsbuch-demo")
        page.locator("form#login-form [type=submit]").first.click()
        page.wait_for_url(f"**{heading_url}**")
        page.locator("main").wait_for()
        found += violations_of(page)
        page.fill("input[name=token]", "000000")
        page.locator("main form [type=submit]").first.click()
        page.locator("[aria-invalid=true]").first.wait_for()
        found += violations_of(page)
    if found:
        pytest.fail(f"{len(found)} accessibility violations:\n" + "\n".join(found), pytrace=False)
