"""Writing the council's objects.

Body, LegislativeTerm, Location, Organization, Person, Membership, Meeting, AgendaItem.
"""

from django.utils.translation import gettext

from council.models import AgendaItem, Attendance, Body, LegislativeTerm, Meeting, Organization

from . import council_fields
from .mapping import ref_id
from .records import Outcome


class CouncilObjectWriters:
    """The part of the `Importer` that writes the council's objects, one OParl object at a time."""

    def _simple(self, kind: str, model, fields):
        def write(obj: dict) -> Outcome:
            refs = self._refs(obj, kind)
            return self._save(kind, obj, model, fields(obj, refs), refs=refs)

        return write

    def _body(self, obj: dict) -> Outcome:
        refs = self._refs(obj, "Body")
        values = council_fields.body_fields(obj, refs)
        instance = self._resolve(obj["id"], Body)
        if instance is None and values["ags"]:
            # The same municipality already here (by its AGS) is updated, not duplicated.
            instance = Body.objects.filter(ags=values["ags"]).first()
        if (
            values["ags"]
            and Body.objects.filter(ags=values["ags"]).exclude(pk=instance.pk if instance else None).exists()
        ):
            refs.notes.append(gettext("ags %s belongs to another body here; imported without one") % values["ags"])
            values["ags"] = ""
        return self._save("Body", obj, Body, values, instance=instance, refs=refs)

    def _legislative_term(self, obj: dict) -> Outcome:
        refs = self._refs(obj, "LegislativeTerm")
        return self._save(
            "LegislativeTerm", obj, LegislativeTerm, council_fields.legislative_term_fields(obj, refs), refs=refs
        )

    def _organization(self, obj: dict) -> Outcome:
        refs = self._refs(obj, "Organization")
        values = council_fields.organization_fields(obj, refs)
        parent_id = ref_id(obj.get("subOrganizationOf"))
        values["parent"] = self._resolve(parent_id, Organization)
        if parent_id and values["parent"] is None:
            if parent_id in self.crawl:
                # Listed later: linked once all are written, so that they are written in the source's order.
                values.pop("parent")
            else:
                refs.notes.append(gettext("its parent organization %s is not imported") % parent_id)
        outcome = self._save("Organization", obj, Organization, values, refs=refs)
        if "parent" not in values:
            self.later_parents[self.last_instance.pk] = parent_id
        return outcome

    def _link_later_parents(self) -> None:
        for pk, parent_id in self.later_parents.items():
            parent = self._resolve(parent_id, Organization)
            if parent is None:
                self._problem("Organization", parent_id, gettext("not imported, so its sub-organizations have none"))
                continue
            # Not save(): the organization is as the source gave it, `modified` included.
            Organization.objects.filter(pk=pk).exclude(parent=parent).update(parent=parent)

    def _meeting(self, obj: dict) -> Outcome:
        refs = self._refs(obj, "Meeting")
        values, related = council_fields.meeting_fields(obj, refs)
        m2m = {"organizations": related["organizations"]}
        outcome = self._save("Meeting", obj, Meeting, values, m2m=m2m, refs=refs)
        meeting = self.last_instance
        # OParl's participants are those who attended: our attendance "present".
        wanted = {person.pk for person in related["participants"]}
        present = set(meeting.attendances.filter(status=Attendance.Status.PRESENT).values_list("person_id", flat=True))
        if wanted != present:
            meeting.attendances.filter(status=Attendance.Status.PRESENT).exclude(person_id__in=wanted).delete()
            for person_pk in wanted - present:
                Attendance.objects.update_or_create(
                    meeting=meeting, person_id=person_pk, defaults={"status": Attendance.Status.PRESENT}
                )
            # The attendance is part of the meeting as served: it changed when the meeting did.
            stamps = {name: getattr(meeting, name) for name in ("created", "modified")}
            meeting.attendances.filter(person_id__in=wanted - present).update(**stamps)
            outcome = Outcome.UPDATED if outcome is Outcome.UNCHANGED else outcome
        return outcome

    def _agenda_positions(self) -> None:
        """Note each listed agenda item's place on its meeting's agenda, from 1 (`self.agenda_positions`).

        OParl 1.1's `order` may count from 0 or 1 and skip items not published; the order of
        the meeting's `agendaItem` array is what the specification makes binding. Where every
        item has an `order`, it sorts them; otherwise the array's order stands.
        """
        self.agenda_positions.clear()
        for meeting in self.crawl.of_type("Meeting"):
            items = [item for item in meeting.get("agendaItem") or [] if ref_id(item)]
            orders = [(self.crawl.get(ref_id(item)) or {}).get("order") for item in items]
            if items and all(isinstance(order, int) and not isinstance(order, bool) for order in orders):
                items = [item for _order, _index, item in sorted(zip(orders, range(len(items)), items, strict=True))]
            for position, item in enumerate(items, start=1):
                self.agenda_positions[ref_id(item)] = position

    def _agenda_item(self, obj: dict) -> Outcome:
        refs = self._refs(obj, "AgendaItem")
        if obj["id"] in self.agenda_positions:
            refs.parent["position"] = self.agenda_positions[obj["id"]]
        values = council_fields.agenda_item_fields(obj, refs)
        instance = self._resolve(obj["id"], AgendaItem)
        others = AgendaItem.objects.filter(meeting=values["meeting"]).exclude(pk=instance.pk if instance else None)
        if others.filter(number=values["number"]).exists():
            # Numbers are unique on our agendas; a repeated (or missing) one gets the position added.
            numbered = f"{values['number']} ({values['order']})"[:20]
            refs.notes.append(
                gettext("number “%(number)s” repeated; kept as “%(ours)s”")
                % {
                    "number": values["number"],
                    "ours": numbered,
                }
            )
            values["number"] = numbered
        outcome = self._save("AgendaItem", obj, AgendaItem, values, instance=instance, refs=refs)
        not_after_meeting(self.last_instance, values["meeting"])
        return outcome


def not_after_meeting(part, meeting: Meeting) -> None:
    """Keep a part of a meeting (an item, its decision) from a `modified` later than the meeting's.

    A served `modified` is the latest change of the object and of what it shows, so an
    agenda item can come with the time its consultation changed, which its meeting does
    not count; the item's own change was no later than the meeting that shows it.
    """
    if part.modified > meeting.modified:
        type(part)._default_manager.filter(pk=part.pk).update(modified=meeting.modified)
        part.modified = meeting.modified
