"""What a crawl of an OParl endpoint reports: `CrawlReport`, and the codes of the problems only a crawl can see."""

from collections import Counter
from dataclasses import dataclass, field

from oparl.validation import Problem

# Problem codes of the crawl (the object rules keep the codes of oparl.validation).
DEAD_LINK = "dead-link"
NOT_JSON = "not-json"
CONTENT_TYPE = "content-type"
CORS = "cors"
ID_MISMATCH = "id-mismatch"
EMBEDDED_DIFFERS = "embedded-differs"
MISSING_FROM_LIST = "missing-from-list"
DUPLICATE_IN_LIST = "duplicate-in-list"
NEXT_MISSING = "next-missing"
NEXT_ON_LAST_PAGE = "next-on-last-page"
PAGINATION_INCONSISTENT = "pagination-inconsistent"
FILE_SIZE = "file-size"
FILE_CHECKSUM = "file-checksum"
CONTENT_DISPOSITION = "content-disposition"
REQUEST_LIMIT = "request-limit"

CH_CORS = "Cross-Origin Resource Sharing (CORS)"
CH_FILES = "Dateizugriffe"
CH_OBJECTS = "Die Objekte"


@dataclass
class CrawlReport:
    """What a crawl saw: distinct objects by type, requests made, and every problem found."""

    start_url: str
    counts: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    requests: int = 0
    list_pages: int = 0
    files: int = 0
    # Every object fetched at its own URL, by id, as served there.
    objects: dict = field(default_factory=dict)
    # How many pages each external list (by the URL of its first page) was walked through.
    lists: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def with_code(self, code: str) -> list[Problem]:
        return [problem for problem in self.problems if problem.code == code]
