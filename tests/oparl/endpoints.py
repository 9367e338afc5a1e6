"""OParl endpoints for the importer's tests and benchmark, built from what the systems publish.

- `generated_endpoint(...)`: an OParl 1.1 body of any size, pages built on request (never all in
  memory), with the embedding SessionNet uses: terms in the body, memberships in persons, agenda
  items in meetings, consultations and files in papers. `make bench` imports one.

The small SD.NET-style 1.0 and SessionNet-style 1.1 endpoints with the real systems' quirks are in
`tests/oparl/test_importer_real_systems.py`, next to the tests that read them.
"""

import datetime
import json
from urllib.parse import parse_qsl, urlencode, urlsplit

from oparl.importer.client import Response

SCHEMA_11 = "https://schema.oparl.org/1.1/"
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
RESULTS = ("Kenntnisnahme", "beschlossen", "vorberaten ohne Änderungen", "verwiesen in den Gemeinderat", "erledigt")


class GeneratedEndpoint:
    """A SessionNet-like OParl 1.1 endpoint of a city with `papers` Vorlagen, generated page by page."""

    def __init__(
        self,
        base="https://gen.example.org/oparl/v1.1",
        *,
        papers=4000,
        persons=200,
        organizations=20,
        meetings=500,
        items_per_meeting=10,
        files_every=4,
        page_size=100,
    ):
        self.base = base
        self.counts = {"Paper": papers, "Person": persons, "Organization": organizations, "Meeting": meetings}
        self.items_per_meeting = items_per_meeting
        self.files_every = files_every
        self.page_size = page_size
        self.start = datetime.datetime(2015, 1, 1, 17, tzinfo=datetime.UTC)
        self.requests = 0

    @property
    def object_count(self) -> int:
        """Every object the importer writes: body, term, organizations, persons with two seats,
        meetings with items, papers with two consultations and files, and a decision per item dealt with."""
        c = self.counts
        items = c["Meeting"] * self.items_per_meeting
        files = c["Paper"] // self.files_every if self.files_every else 0
        decisions = min(items, c["Paper"])
        return 2 + c["Organization"] + 3 * c["Person"] + c["Meeting"] + items + 3 * c["Paper"] + files + decisions

    def url(self, path: str) -> str:
        return f"{self.base}/{path}"

    def _stamp(self, n: int) -> dict:
        moment = (self.start + datetime.timedelta(minutes=n)).isoformat()
        return {"created": moment, "modified": moment}

    # --- the objects ------------------------------------------------------------------
    def system(self):
        return {
            "id": self.url(""),
            "type": SCHEMA_11 + "System",
            "oparlVersion": SCHEMA_11,
            "name": "SessionNet",
            "body": self.url("bodies"),
        }

    def body(self):
        lists = {name: self.url(f"body/1/{name}") for name in ("organization", "person", "meeting", "paper")}
        return {
            "id": self.url("body/1"),
            "type": SCHEMA_11 + "Body",
            "name": "Stadt Generiert",
            "ags": "5358016",
            **lists,
            "legislativeTerm": [
                {
                    "id": self.url("term/1"),
                    "type": SCHEMA_11 + "LegislativeTerm",
                    "name": "2014-2020",
                    "startDate": "2014-06-01",
                    **self._stamp(0),
                }
            ],
            **self._stamp(0),
        }

    def organization(self, n):
        return {
            "id": self.url(f"org/{n}"),
            "type": SCHEMA_11 + "Organization",
            "name": f"Ausschuss {n}",
            "organizationType": "Gremium",
            "classification": "Ausschuss",
            **self._stamp(n),
        }

    def person(self, n):
        orgs = self.counts["Organization"]
        seats = [
            {
                "id": self.url(f"membership/{n}-{k}"),
                "type": SCHEMA_11 + "Membership",
                "organization": self.url(f"org/{(n + k) % orgs + 1}"),
                "role": "Mitglied",
                "startDate": "2014-06-01",
                **self._stamp(n),
            }
            for k in range(2)
        ]
        return {
            "id": self.url(f"person/{n}"),
            "type": SCHEMA_11 + "Person",
            "familyName": f"Muster{n}",
            "givenName": "Maria",
            "name": f"Maria Muster{n}",
            "membership": seats,
            **self._stamp(n),
        }

    def meeting(self, n):
        start = self.start + datetime.timedelta(days=n)
        items = []
        for k in range(self.items_per_meeting):
            number = (n - 1) * self.items_per_meeting + k + 1
            item = {
                "id": self.url(f"item/{number}"),
                "type": SCHEMA_11 + "AgendaItem",
                "number": str(k + 1),
                "order": k + 1,
                "name": f"Tagesordnungspunkt {k + 1}",
                "public": True,
                **self._stamp(n),
            }
            if number <= self.counts["Paper"]:
                item["consultation"] = self.url(f"consultation/{number}-1")
                item["result"] = RESULTS[number % len(RESULTS)]
            items.append(item)
        return {
            "id": self.url(f"meeting/{n}"),
            "type": SCHEMA_11 + "Meeting",
            "name": f"Sitzung {n}",
            "start": start.isoformat(),
            "end": (start + datetime.timedelta(hours=3)).isoformat(),
            "organization": [self.url(f"org/{n % self.counts['Organization'] + 1}")],
            "agendaItem": items,
            **self._stamp(n),
        }

    def paper(self, n):
        orgs = self.counts["Organization"]
        consultations = [
            {
                "id": self.url(f"consultation/{n}-{k}"),
                "type": SCHEMA_11 + "Consultation",
                "organization": [self.url(f"org/{(n + k) % orgs + 1}")],
                "authoritative": k == 2,
                "role": "Vorberatung" if k == 1 else "Entscheidung",
                **self._stamp(n),
            }
            for k in (1, 2)
        ]
        if n <= self.counts["Meeting"] * self.items_per_meeting:
            consultations[0]["agendaItem"] = self.url(f"item/{n}")
            consultations[0]["meeting"] = self.url(f"meeting/{(n - 1) // self.items_per_meeting + 1}")
        paper = {
            "id": self.url(f"paper/{n}"),
            "type": SCHEMA_11 + "Paper",
            "name": f"Vorlage {n} zum Haushalt",
            "reference": f"VO/{2015 + n % 5}/{n:05d}",
            "date": "2015-03-01",
            "paperType": "Beschlussvorlage",
            "underDirectionOf": [self.url(f"org/{n % orgs + 1}")],
            "consultation": consultations,
            **self._stamp(n),
        }
        if self.files_every and n % self.files_every == 0:
            paper["mainFile"] = {
                "id": self.url(f"file/{n}"),
                "type": SCHEMA_11 + "File",
                "name": f"Vorlage {n}",
                "fileName": f"vorlage-{n}.pdf",
                "mimeType": "application/pdf",
                "accessUrl": self.url(f"file/{n}/access"),
                **self._stamp(n),
            }
        return paper

    # --- serving ----------------------------------------------------------------------
    def get(self, requested: str) -> Response:
        self.requests += 1
        path = requested.split("?")[0]
        params = dict(parse_qsl(urlsplit(requested).query))
        rest = path[len(self.base) + 1 :]
        if rest == "":
            return self._json(self.system())
        if rest == "bodies":
            return self._json({"data": [self.body()], "pagination": {"totalPages": 1}, "links": {}})
        if rest.startswith("body/1/"):
            kind = rest.split("/")[2]
            return self._json(self._page(path, kind, params))
        if rest.startswith("file/") and rest.endswith("/access"):
            return Response(200, PDF_BYTES, "application/pdf")
        return Response(404, b"{}")

    def _page(self, path, kind, params):
        make = {"organization": self.organization, "person": self.person, "meeting": self.meeting, "paper": self.paper}[
            kind
        ]
        total = self.counts[kind.capitalize()]
        page = int(params.get("page", 1))
        first = (page - 1) * self.page_size + 1
        data = [make(n) for n in range(first, min(first + self.page_size, total + 1))]
        pages = (total + self.page_size - 1) // self.page_size
        links = {"next": f"{path}?{urlencode({**params, 'page': page + 1})}"} if page < pages else {}
        return {
            "data": data,
            "pagination": {"totalElements": total, "totalPages": pages, "currentPage": page},
            "links": links,
        }

    @staticmethod
    def _json(value) -> Response:
        return Response(200, json.dumps(value).encode())
