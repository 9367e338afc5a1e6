from council.roles import actor_for


def ratsbuch(request):
    """Put the user's Actor (roles, units, organizations) into every template as `actor`."""
    return {"actor": actor_for(getattr(request, "user", None))}
