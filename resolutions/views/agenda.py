"""The council office builds a meeting's agenda from the pool and records results and votes."""

# TEMPORARY placeholders so the URLconf imports while the views are written; replace each.


def agenda_edit(request, pk):
    raise NotImplementedError


def decision_record(request, pk, item):
    raise NotImplementedError
