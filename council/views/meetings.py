"""Meetings as the public and council members see them."""

# TEMPORARY placeholders so the URLconf imports while the views are written; replace each.


def meeting_list(request):
    raise NotImplementedError


def meeting_calendar(request):
    raise NotImplementedError


def meeting_detail(request, pk):
    raise NotImplementedError


def meeting_ical(request, organization=None):
    raise NotImplementedError


def my_meetings(request):
    raise NotImplementedError
