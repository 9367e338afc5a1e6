"""Pages of the council, split by concern; the root URLconf imports them from here.

Council views are the project's shell as well: the start page and the meeting pages read
Vorlagen and decisions of `resolutions` to show them. Council's models and services never
import the other apps.

- `home`: the start page;
- `directory`: Gremien, Fraktionen and other organizations, and the people who sit in them;
- `meetings`: meetings as the public and members see them: list, calendar, agenda, iCal, Meine Sitzungen;
- `office`: the council office plans meetings, invites (by mail, with the dispatch record), holds or
  cancels them, records attendance, reads the outbox;
- `following`: following an organization, a Vorlage or a search by e-mail (double opt-in, unsubscribe).
"""
