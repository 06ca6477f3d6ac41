from django.urls import path

from finder import views as finder_views

urlpatterns = [
    path("partnersuche/", finder_views.finder, name="finder"),
    path("partnersuche/checkliste/", finder_views.checklist, name="finder_checklist"),
    path("partnersuche/merkliste/", finder_views.shortlist, name="shortlist"),
    path("partnersuche/merkliste.csv", finder_views.shortlist_csv, name="shortlist_csv"),
    path(
        "partnersuche/merkliste/<slug:slug>/",
        finder_views.shortlist_toggle,
        name="shortlist_toggle",
    ),
    path(
        "partnersuche/merkliste/notiz/<int:pk>/",
        finder_views.shortlist_note,
        name="shortlist_note",
    ),
    path("partnersuche/suchen/", finder_views.search_save, name="finder_search_save"),
    path(
        "partnersuche/suchen/<int:pk>/loeschen/",
        finder_views.search_delete,
        name="finder_search_delete",
    ),
    path(
        "partnersuche/suchen/<int:pk>/benachrichtigung/",
        finder_views.search_alert,
        name="finder_search_alert",
    ),
    path(
        "partnersuche/suchen/<int:pk>/abbestellen/<str:token>/",
        finder_views.alert_unsubscribe,
        name="finder_alert_unsubscribe",
    ),
]
