"""The council office's work on meetings: plan, change, invite, hold, cancel, attendance."""

# TEMPORARY placeholders so the URLconf imports while the views are written; replace each.


def meeting_create(request):
    raise NotImplementedError


def meeting_update(request, pk):
    raise NotImplementedError


def meeting_transition(request, pk, transition):
    raise NotImplementedError


def attendance_edit(request, pk):
    raise NotImplementedError
