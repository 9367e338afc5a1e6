"""What followers hear of Vorlagen: the digest source named in `settings.RATSBUCH_DIGEST_SOURCES`.

`council.following` asks `digest_items(subscription, since, user)` for the news of one
subscription. Everything is read through `Paper.objects.visible_to(user)` and
`Decision.objects.visible_to(user)`: an anonymous user (a public subscriber) gets released
public Vorlagen and decisions taken in public only, a member also the non-public ones of
their own organizations.
"""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils.translation import gettext as _

from council.following import DigestItem
from council.mail import site_url
from council.models import Subscription

from .models import Decision, Paper

SEARCH_HITS_CONSIDERED = 200


def _paper_item(paper: Paper) -> DigestItem:
    return DigestItem(
        title=f"{paper.reference} – {paper.name}",
        url=site_url(paper.get_absolute_url()),
        moment=paper.released_at,
        kind=_("New Vorlage"),
    )


def _decision_item(decision: Decision) -> DigestItem:
    paper, organization = decision.consultation.paper, decision.consultation.organization
    return DigestItem(
        title=f"{paper.reference} – {paper.name}: {decision.get_result_display()} ({organization})",
        url=site_url(paper.get_absolute_url()),
        moment=decision.created,
        kind=_("Decision"),
    )


def paper_followable(reference: str, user) -> bool:
    """Whether `user` (None or anonymous: the public) may follow the Vorlage with this KSD number."""
    user = user if user is not None else AnonymousUser()
    return Paper.objects.visible_to(user).filter(reference=reference, released_at__isnull=False).exists()


def digest_items(subscription: Subscription, since: datetime.datetime, user) -> list[DigestItem]:
    """The Vorlagen released and the decisions taken since `since` that the subscription follows."""
    papers = Paper.objects.visible_to(user).filter(released_at__gt=since)
    decisions = (
        Decision.objects.visible_to(user)
        .filter(created__gt=since, consultation__paper__in=Paper.objects.visible_to(user).values("pk"))
        .select_related("consultation__paper", "consultation__organization")
    )
    target = subscription.target
    if target == Subscription.Target.ORGANIZATION:
        organization = subscription.organization_id
        of_organization = Q(consultations__organization_id=organization) | Q(under_direction_of_id=organization)
        papers = papers.filter(pk__in=Paper.objects.filter(of_organization).values("pk"))
        decisions = decisions.filter(consultation__organization_id=organization)
    elif target == Subscription.Target.PAPER:
        papers = papers.filter(reference=subscription.key)
        decisions = decisions.filter(consultation__paper__reference=subscription.key)
    elif target == Subscription.Target.SEARCH:
        from council.search import search

        hits = search(subscription.key, user=user, kinds=["paper"]).hits
        pks = [hit.object.pk for hit in hits[:SEARCH_HITS_CONSIDERED]]
        papers = papers.filter(pk__in=pks)
        decisions = decisions.filter(consultation__paper_id__in=pks)
    else:
        return []
    items = [_paper_item(paper) for paper in papers.order_by("released_at", "pk")]
    items += [_decision_item(decision) for decision in decisions.order_by("created", "pk")]
    return items
