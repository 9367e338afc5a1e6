"""The root URLconf of Ratsbuch, and the council app's own pages under the `council` namespace."""

from django.contrib import admin
from django.urls import include, path

from council.feeds import SearchAtomFeed, SearchRssFeed
from council.views import accessibility, accounts, directory, following, home, meetings, office, search

council_patterns = [
    path("", home.home, name="home"),
    path("suche/", search.search, name="search"),
    # the feeds of a search (the search page itself is council:search)
    path("suche/feed/rss/", SearchRssFeed(), name="search_feed_rss"),
    path("suche/feed/atom/", SearchAtomFeed(), name="search_feed_atom"),
    # meetings as everyone sees them
    path("sitzungen/", meetings.meeting_list, name="meeting_list"),
    path("sitzungen/kalender/", meetings.meeting_calendar, name="meeting_calendar"),
    path("sitzungen/ical/", meetings.meeting_ical, name="meeting_ical"),
    path("sitzungen/ical/gremium/<int:organization>/", meetings.meeting_ical, name="meeting_ical_organization"),
    path("sitzungen/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meine-sitzungen/", meetings.my_meetings, name="my_meetings"),
    # organizations and people
    path("gremien/", directory.organization_list, name="organization_list"),
    path("gremien/<int:pk>/", directory.organization_detail, name="organization_detail"),
    path("personen/", directory.person_list, name="person_list"),
    path("personen/<int:pk>/", directory.person_detail, name="person_detail"),
    # following by e-mail
    path("folgen/", following.follow, name="follow"),
    path("folgen/bestaetigen/<str:token>/", following.follow_confirm, name="follow_confirm"),
    path("folgen/abmelden/<str:token>/", following.follow_unsubscribe, name="follow_unsubscribe"),
    path("benachrichtigungen/", following.notifications, name="notifications"),
    # the second step of an office or admin login
    path("konto/zweiter-faktor/", accounts.otp_verify, name="otp_verify"),
    path("konto/zweiter-faktor/einrichten/", accounts.otp_setup, name="otp_setup"),
    # the council office's work
    path("sitzungen/neu/", office.meeting_create, name="meeting_create"),
    path("sitzungen/<int:pk>/bearbeiten/", office.meeting_update, name="meeting_update"),
    path("sitzungen/<int:pk>/status/<slug:transition>/", office.meeting_transition, name="meeting_transition"),
    path("sitzungen/<int:pk>/anwesenheit/", office.attendance_edit, name="attendance_edit"),
    path("sitzungen/<int:pk>/nachtrag/", office.meeting_supplement, name="meeting_supplement"),
    path("sitzungen/<int:pk>/versand-wiederholen/", office.meeting_dispatches_retry, name="meeting_dispatches_retry"),
    path("postausgang/", office.outbox, name="outbox"),
    # accessibility (BITV 2.0): the statement with its feedback form, Leichte Sprache
    path("barrierefreiheit/", accessibility.statement, name="accessibility"),
    path("barrierefreiheit/rueckmeldungen/", accessibility.feedback_list, name="accessibility_feedback_list"),
    path("leichte-sprache/", accessibility.easy_language, name="easy_language"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("oparl/v1.1/", include("oparl.urls")),
    path("", include("resolutions.urls")),
    path("", include("alliances.urls")),
    path("", include((council_patterns, "council"))),
]

# Django's refusals (a form over DATA_UPLOAD_MAX_MEMORY_SIZE, say) answered with a page that
# says what to do.
handler400 = "council.views.errors.bad_request"
