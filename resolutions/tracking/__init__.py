"""Beschlusskontrolle: every decision that gives the administration work, tracked until it is carried out.

A package of its own inside `resolutions` (the app label stays `resolutions`, the
migrations are the app's): the tracking of a decision belongs with the decision, but its
models, services, pages, feeds and report are a concern of their own, found in one place:

- `models.py`: Tracking (one per tracked decision) and ProgressReport (Sachstand), both with history;
- `services.py`: the decision follower that opens a tracking, progress reports, the office's changes;
- `forms.py`, `views.py`: the pages under /beschluesse/ (the URLs are in `resolutions/urls.py`);
- `feeds.py`: the Atom feed of state changes and the iCal feed of due dates (public only).
"""
