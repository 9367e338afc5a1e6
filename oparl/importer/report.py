"""The report of an import run: problems grouped by kind, with counts and a few examples each.

A large council's history brings tens of thousands of notes ("imported; result … kept as
worded"); a person can act on "Decision: result “…” kept as worded — 6,502, e.g. …", not on
54,000 lines. The kind of a problem is its reason with the particulars taken out: quoted
words, URLs and numbers. Memory stays flat: the groups are counted as problems arrive, and only
the first `MAX_KEPT` problems are kept whole.
"""

import re
from dataclasses import dataclass, field

EXAMPLES = 3
MAX_KEPT = 10_000
# Files whose bytes could not be fetched are listed whole (once each), to fetch by hand.
MAX_FAILED_FILES = 10_000

# English “…”, German „…“, and plain "…".
_QUOTED = re.compile(r"“[^”]*”|„[^“]*“|\"[^\"]*\"")
_URL = re.compile(r"https?://\S+")
_NUMBER = re.compile(r"\d+")


def problem_kind(reason: str) -> str:
    """The reason without its particulars: "result “erledigt” kept …" → "result “…” kept …"."""
    kind = _URL.sub("<URL>", reason)
    kind = _QUOTED.sub(lambda quoted: "„…“" if quoted.group().startswith("„") else "“…”", kind)
    return _NUMBER.sub("N", kind).strip()


@dataclass
class Report:
    groups: dict[tuple[str, str], dict] = field(default_factory=dict)
    kept: list[dict] = field(default_factory=list)
    total: int = 0
    failed_files: dict[str, str] = field(default_factory=dict)  # URL -> reason

    def add(self, problem: dict) -> None:
        self.total += 1
        if len(self.kept) < MAX_KEPT:
            self.kept.append(problem)
        kind = problem_kind(problem["reason"])
        group = self.groups.setdefault(
            (problem["type"], kind), {"type": problem["type"], "kind": kind, "count": 0, "examples": []}
        )
        group["count"] += 1
        if len(group["examples"]) < EXAMPLES:
            group["examples"].append({"id": problem["id"], "reason": problem["reason"]})

    def add_failed_file(self, url: str, reason: str) -> None:
        if len(self.failed_files) < MAX_FAILED_FILES:
            self.failed_files.setdefault(url, reason)

    def sorted_groups(self) -> list[dict]:
        return sorted(self.groups.values(), key=lambda g: (-g["count"], g["type"], g["kind"]))

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "groups": self.sorted_groups(),
            "failed_files": [{"url": url, "reason": reason} for url, reason in self.failed_files.items()],
        }
