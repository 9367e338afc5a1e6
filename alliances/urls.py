"""Pages of alliances: public reading under /buendnisse/, and the council office's management."""

from django.urls import path

from alliances import views

app_name = "alliances"

urlpatterns = [
    path("buendnisse/", views.alliance_list, name="alliance_list"),
    # "neu" comes before the slug; alliances.services.RESERVED_SLUGS keeps a slug from taking it.
    path("buendnisse/neu/", views.alliance_create, name="alliance_create"),
    path("buendnisse/<slug:slug>/", views.alliance_detail, name="alliance_detail"),
    path("buendnisse/<slug:slug>/bearbeiten/", views.alliance_update, name="alliance_update"),
    path("buendnisse/<slug:slug>/ziele/", views.alliance_aims, name="alliance_aims"),
    path("buendnisse/<slug:slug>/mitglieder/neu/", views.membership_add, name="membership_add"),
    path("buendnisse/<slug:slug>/mitglieder/vorschlagen/", views.membership_propose, name="membership_propose"),
    path("buendnisse/<slug:slug>/mitglieder/<int:pk>/austritt/", views.membership_exit, name="membership_exit"),
    path(
        "buendnisse/<slug:slug>/mitglieder/<int:pk>/vertretungen/neu/",
        views.representation_add,
        name="representation_add",
    ),
    path(
        "buendnisse/<slug:slug>/vertretungen/<int:pk>/entfernen/",
        views.representation_remove,
        name="representation_remove",
    ),
]
