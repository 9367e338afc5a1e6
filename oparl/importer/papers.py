"""Writing the Vorlagen: Paper, Consultation, and the decisions read from agenda items' results.

The Vorlage's state follows from its Beratungsfolge once consultations and decisions are
written, and is set with a `QuerySet.update`, without a new version.
"""

from collections import defaultdict

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext

from council.models import AgendaItem, Organization
from oparl import serializers
from resolutions.models import Consultation, Decision, FactionVote, Paper
from resolutions.services.numbering import paper_allocate_reference, paper_reserve_reference

from . import mapping, paper_fields, vocabularies
from .council_objects import not_after_meeting
from .mapping import Refs, ref_id
from .records import DECISION_SUFFIX, Outcome, apply_changes

# Vorlagen whose state is worked out together (two queries for each batch).
# The short name of the unit that takes the Vorlagen whose source names none.
PLACEHOLDER_UNIT_SHORT_NAME = "Import"


def result_wording(given: str, values: dict) -> str:
    """The source's wording of a result, to keep; "" when it is only what we would write ourselves.

    From another Ratsbuch, "beschlossen (einstimmig, 52 Ja, …)" is our category and the votes,
    which we write again from the counts; any other wording is kept as the source gave it.
    """
    ours = Decision(**{name: value for name, value in values.items() if name not in ("consultation", "agenda_item")})
    with translation.override(settings.LANGUAGE_CODE):  # the API writes its texts in the site's language
        own = (serializers.result_text(ours), str(ours.get_result_display()), ours.result)
    if given in own:
        return ""
    return given[: Decision._meta.get_field("result_wording").max_length]


class PaperWriters:
    """The part of the `Importer` that writes Vorlagen, their Beratungsfolge and decisions, and their states."""

    def _placeholder_unit(self) -> Organization:
        """The unit a Vorlage without underDirectionOf is filed under: ours requires one."""
        # Found again by its short name, never by its (translated) name: the language an
        # import runs in must not decide which unit it files under.
        unit, _created = Organization.objects.get_or_create(
            body=self.body,
            organization_type=Organization.Type.ADMINISTRATIVE_UNIT,
            short_name=PLACEHOLDER_UNIT_SHORT_NAME,
            defaults={"name": gettext("Originating unit unknown (imported)")},
        )
        return unit

    def _placeholder_committee(self) -> Organization:
        """The Gremium a step of the Beratungsfolge goes to when the source names none: ours requires one."""
        committee, _created = Organization.objects.get_or_create(
            body=self.body,
            organization_type=Organization.Type.COMMITTEE,
            short_name=PLACEHOLDER_UNIT_SHORT_NAME,
            defaults={"name": gettext("Gremium unknown (imported)")},
        )
        return committee

    def _paper(self, obj: dict) -> Outcome:
        refs = self._refs(obj, "Paper")
        values, related = paper_fields.paper_fields(obj, refs)
        if values["under_direction_of"] is None:
            values["under_direction_of"] = self._placeholder_unit()
            refs.notes.append(gettext("no underDirectionOf; filed under “%s”") % values["under_direction_of"].name)
        instance = self._resolve(obj["id"], Paper)
        given = mapping.text(obj, "reference")
        if paper_fields.valid_reference(given):
            reference = given
        elif instance is not None:
            reference = instance.reference
        else:
            reference = paper_allocate_reference(body=self.body, year=values["date"].year)
        if given and reference != given:
            refs.notes.append(
                gettext("reference “%(given)s” cannot be ours; numbered %(ours)s") % {"given": given, "ours": reference}
            )
        ours = given.isdigit() and len(given) == 8 and int(given[4:]) > 0
        if ours and reference == given and (instance is None or instance.reference != given):
            # One of our own KSD numbers: keep the counter past it, so drafting never hands it out again.
            paper_reserve_reference(body=self.body, reference=given)
        values["reference"] = reference
        outcome = self._save("Paper", obj, Paper, values, instance=instance, m2m=related, refs=refs)
        if outcome is not Outcome.UNCHANGED:
            self.touched_papers.add(self.last_instance.pk)
        return outcome

    def _consultation(self, obj: dict) -> Outcome:
        refs = self._refs(obj, "Consultation")
        paper = refs.one(obj.get("paper") or refs.parent.get("Paper"), Paper, what="paper", required=True)
        agenda_item = refs.one(obj.get("agendaItem") or refs.parent.get("AgendaItem"), AgendaItem, what="agendaItem")
        instance = self._resolve(obj["id"], Consultation)
        placed = self.crawl.parent(obj["id"], "Paper")
        if placed is not None:
            order = placed[2] + 1
        elif instance is not None:
            order = instance.order
        else:
            order = (paper.consultations.aggregate(top=models.Max("order"))["top"] or 0) + 1
        values = paper_fields.consultation_fields(
            obj, refs, paper=paper, agenda_item=agenda_item, order=order, placeholder=self._placeholder_committee
        )
        if values["authoritative"]:
            others = paper.consultations.filter(authoritative=True).exclude(pk=instance.pk if instance else None)
            if others.exists():
                values["authoritative"] = False
                refs.notes.append(gettext("a second deciding consultation of the paper; imported as not deciding"))
        outcome = self._save("Consultation", obj, Consultation, values, instance=instance, refs=refs)
        if outcome is not Outcome.UNCHANGED:
            self.touched_papers.add(paper.pk)
        consultation = self.last_instance
        if agenda_item is not None and agenda_item.modified > consultation.modified:
            # A served `modified` is the latest change of the object and of what it shows: a
            # consultation shows its agenda item, the item its consultation and its decision. The
            # item came with the later time of the two (or of its decision, which keeps that time);
            # its own change cannot have been later than the consultation that shows it.
            AgendaItem.objects.filter(pk=agenda_item.pk).update(modified=consultation.modified)
            agenda_item.modified = consultation.modified
        return outcome

    def _consultation_of(self, obj: dict, item: AgendaItem) -> Consultation | None:
        consultation = self._resolve(ref_id(obj.get("consultation")), Consultation)
        if consultation is not None:
            return consultation
        if not self._consultations_marked:
            # Noted once a body: looking through every consultation for each agenda item grows with the square.
            self._consultations_marked = True
            for candidate in self.crawl.of_type("Consultation"):
                self._consultation_by_item.setdefault(ref_id(candidate.get("agendaItem")), candidate["id"])
        candidate = self._consultation_by_item.get(obj["id"])
        if candidate is not None:
            return self._resolve(candidate, Consultation)
        return Consultation.objects.filter(agenda_item=item).first()

    def _decision(self, obj: dict) -> Outcome | None:
        """The decision an agenda item's result records, when the item deals with a consultation."""
        key = obj["id"] + DECISION_SUFFIX
        result_text = mapping.text(obj, "result")
        item = self._resolve(obj["id"], AgendaItem)
        consultation = self._consultation_of(obj, item) if item is not None else None
        if not result_text or consultation is None:
            if self._delete_decision(key):
                return Outcome.DELETED
            return None  # a free item, or no result yet: nothing to count
        refs = Refs(resolve=self._resolve, body=self.body)
        result = vocabularies.decision_result(result_text, self.result_wordings)
        if result is None:
            result = Decision.Result.OTHER
            refs.notes.append(gettext("result “%s” kept as worded, as “other”") % result_text[:100])
        values = {
            "consultation": consultation,
            "agenda_item": item,
            "result": result,
            "resolution_text": mapping.text(obj, "resolutionText", "resolution"),
            "date": timezone.localdate(item.meeting.start),
            **paper_fields.decision_votes(obj),
        }
        values["result_wording"] = result_wording(result_text, values)
        outcome = self._save("Decision", {**obj, "id": key}, Decision, values, refs=refs)
        decision = self.last_instance
        not_after_meeting(decision, item.meeting)
        rows = {}
        for faction_id, counts in paper_fields.faction_votes(obj):
            faction = self._resolve(faction_id, Organization)
            if faction is None:
                self._problem("Decision", key, gettext("imported; votes of %s left out: not imported") % faction_id)
                continue
            rows[faction.pk] = counts
        existing = {row.faction_id: row for row in decision.faction_votes.all()}
        for faction_pk, row in existing.items():
            if faction_pk not in rows:
                row.delete()
                outcome = Outcome.UPDATED if outcome is Outcome.UNCHANGED else outcome
        for faction_pk, counts in rows.items():
            row = existing.get(faction_pk) or FactionVote(decision=decision, faction_id=faction_pk)
            if row.pk is None or apply_changes(row, counts):
                apply_changes(row, counts)
                row.full_clean()
                row.save()
                outcome = Outcome.UPDATED if outcome is Outcome.UNCHANGED else outcome
        if outcome is not Outcome.UNCHANGED:
            self.touched_papers.add(consultation.paper_id)
        return outcome

    # --- what follows from the Beratungsfolge -----------------------------------------------
    def _paper_states(self) -> None:
        """Set the state of every Vorlage written in this run, reading their steps and decisions in bulk."""
        for pks in self.touched_papers.chunks():
            steps, decisions = defaultdict(list), defaultdict(list)
            for row in (
                Consultation.objects.filter(paper_id__in=pks)
                .order_by("order", "pk")
                .values("pk", "paper_id", "authoritative", "agenda_item_id")
            ):
                steps[row["paper_id"]].append(row)
            for row in (
                Decision.objects.filter(consultation__paper_id__in=pks)
                .order_by("date", "pk")
                .values("consultation_id", "consultation__paper_id", "result")
            ):
                decisions[row["consultation__paper_id"]].append(row)
            by_state = defaultdict(list)
            for pk, state in Paper.objects.filter(pk__in=pks).values_list("pk", "state"):
                wanted = self._state_of(steps[pk], decisions[pk])
                if state != wanted:
                    by_state[wanted].append(pk)
            for state, changed in by_state.items():
                # No save(): the state follows from the record; `modified` and the version stay the source's.
                Paper.objects.filter(pk__in=changed).update(state=state)

    @staticmethod
    def _state_of(consultations: list[dict], decisions: list[dict]) -> str:
        """Decided once the deciding step has a closing result; in consultation once on an agenda."""
        if decisions and decisions[-1]["result"] == Decision.Result.WITHDRAWN:
            return Paper.State.WITHDRAWN
        deciding = next((c for c in consultations if c["authoritative"]), consultations[-1] if consultations else None)
        if deciding is not None and any(
            d["consultation_id"] == deciding["pk"] and d["result"] not in vocabularies.OPEN_RESULTS for d in decisions
        ):
            return Paper.State.DECIDED
        if decisions or any(c["agenda_item_id"] for c in consultations):
            return Paper.State.IN_CONSULTATION
        return Paper.State.RELEASED
