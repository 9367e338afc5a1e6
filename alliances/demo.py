"""Demo data of the Bündnis the seed Vorlage joins: founding, aims, initiators, members, steering group."""

from council.demo import CouncilDemo, ensure
from council.models import Organization
from resolutions.demo import ALLIANCE_NAME, FOUNDED_ON, INITIATORS, SEED_AIMS, SEED_TITLE, ResolutionsDemo

from .models import Alliance, AllianceAim, AllianceMembership, Representation

ALLIANCE_SLUG = "buendnis-soziale-stadtentwicklung-rlp"
STEERING_GROUP = "Steuerungsgruppe"
PARTNER = "Entwicklungsagentur Rheinland-Pfalz"

# Initiator: short name, classification, and how the seed's "Vertretern der Bündnisinitiatoren" reads for it.
INITIATOR_DETAILS = {
    "Städtetag Rheinland-Pfalz": (
        "Städtetag RLP",
        "kommunaler Spitzenverband",
        "Vertretung des Städtetags Rheinland-Pfalz",
    ),
    "Landesnetzwerk für Soziale Stadtentwicklung und Gemeinwesenarbeit": (
        "Landesnetzwerk",
        "Netzwerk",
        "Vertretung des Landesnetzwerks für Soziale Stadtentwicklung und Gemeinwesenarbeit",
    ),
    "LIGA der Freien Wohlfahrtspflege in Rheinland-Pfalz": (
        "LIGA",
        "Spitzenverband der Freien Wohlfahrtspflege",
        "Vertretung der LIGA der Freien Wohlfahrtspflege in Rheinland-Pfalz",
    ),
    "Gemeinde- und Städtebund Rheinland-Pfalz": (
        "GStB",
        "kommunaler Spitzenverband",
        "Vertretung des Gemeinde- und Städtebundes Rheinland-Pfalz",
    ),
    "Verband der Südwestdeutschen Wohnungswirtschaft": (
        "VdW südwest",
        "Verband der Wohnungswirtschaft",
        "Vertretung des Verbandes der Südwestdeutschen Wohnungswirtschaft",
    ),
    "Verband der Wohnungs- und Immobilienwirtschaft Rheinland-Westfalen": (
        "VdW Rheinland Westfalen",
        "Verband der Wohnungswirtschaft",
        "Vertretung des Verbandes der Wohnungs- und Immobilienwirtschaft Rheinland-Westfalen",
    ),
}


def load_alliance_demo(council: CouncilDemo, resolutions: ResolutionsDemo) -> Alliance:
    """Write the Bündnis, its aims, initiators, partner, Ludwigshafen's membership and the steering group."""
    body = council.body
    alliance = ensure(
        Alliance,
        body=body,
        slug=ALLIANCE_SLUG,
        defaults={
            "name": ALLIANCE_NAME,
            # The seed's title calls it by this shorter name.
            "short_name": SEED_TITLE.removeprefix("Beitritt zum "),
            "founded_on": FOUNDED_ON,
            "founded_at": "Trier",
            "founding_note": "Gegründet unter Teilnahme des Innenministers an der Veranstaltung. Die "
            "Bündnisinitiatoren laden auch die Kommunen ein, sich dem Bündnis anzuschließen; der Städtetag schreibt "
            "dazu die Oberbürgermeister und Bürgermeister der rheinland-pfälzischen Städte an.",
            "membership_fee": "keine Mitgliedsbeiträge",
            "founding_declaration": resolutions.founding_declaration,
        },
    )
    for order, text in enumerate(SEED_AIMS, start=1):
        ensure(AllianceAim, alliance=alliance, order=order, defaults={"text": text})

    since_founding = {"state": AllianceMembership.State.JOINED, "joined_on": FOUNDED_ON}
    for name in INITIATORS:
        short_name, classification, seat = INITIATOR_DETAILS[name]
        organization = ensure(
            Organization,
            body=body,
            organization_type=Organization.Type.OTHER,
            name=name,
            defaults={"short_name": short_name, "classification": classification},
        )
        membership = ensure(
            AllianceMembership,
            alliance=alliance,
            member_organization=organization,
            defaults={"role": AllianceMembership.Role.INITIATOR, **since_founding},
        )
        ensure(
            Representation,
            membership=membership,
            group=STEERING_GROUP,
            defaults={"description": seat, "start_date": FOUNDED_ON},
        )

    agency = ensure(Organization, body=body, organization_type=Organization.Type.INSTITUTION, name=PARTNER, defaults={})
    agency_membership = ensure(
        AllianceMembership,
        alliance=alliance,
        member_organization=agency,
        defaults={"role": AllianceMembership.Role.PARTNER, **since_founding},
    )
    ensure(
        Representation,
        membership=agency_membership,
        group=STEERING_GROUP,
        defaults={"description": "ein Vertreter der Entwicklungsagentur Rheinland-Pfalz", "start_date": FOUNDED_ON},
    )

    # Ludwigshafen joined by the Stadtrat's decision on the seed Vorlage; the alliances service
    # does this on a positive decision, the loader writes its outcome.
    decision = resolutions.council_decision
    ludwigshafen = ensure(
        AllianceMembership,
        alliance=alliance,
        member_body=body,
        defaults={
            "role": AllianceMembership.Role.MEMBER,
            "state": AllianceMembership.State.JOINED,
            "paper": resolutions.seed,
            "decision": decision,
            "accession_declaration": resolutions.accession_declaration,
            "proposed_on": resolutions.seed.date,
            "joined_on": decision.date,
        },
    )
    ensure(
        Representation,
        membership=ludwigshafen,
        group=STEERING_GROUP,
        defaults={
            "person": council.head,
            "description": f"Bereichsleiterin {council.unit.short_name}",
            "start_date": decision.date,
        },
    )
    return alliance
