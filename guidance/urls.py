from django.urls import path

from guidance import curation_views, views

app_name = "guidance"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("druck/", views.print_view, name="print"),
    path("glossar/", views.glossary, name="glossary"),
    path("suche/", views.search, name="search"),
    path("kuratieren/", curation_views.dashboard, name="curate"),
    path("kuratieren/eintrag/<int:pk>/", curation_views.item_edit, name="curate_item"),
    path(
        "kuratieren/eintrag/<int:pk>/entfernen/",
        curation_views.item_remove,
        name="curate_item_remove",
    ),
    path(
        "kuratieren/eintrag/<int:pk>/verschieben/",
        curation_views.item_move,
        name="curate_item_move",
    ),
    path(
        "kuratieren/version/<str:kind>/<int:history_id>/",
        curation_views.version,
        name="curate_version",
    ),
    path(
        "kuratieren/version/<str:kind>/<int:history_id>/wiederherstellen/",
        curation_views.version_restore,
        name="curate_version_restore",
    ),
    path("kuratieren/<slug:slug>/", curation_views.chapter_edit, name="curate_chapter"),
    path(
        "kuratieren/<slug:slug>/vorschau/",
        curation_views.chapter_preview,
        name="curate_preview",
    ),
    path(
        "kuratieren/<slug:slug>/veroeffentlichen/",
        curation_views.chapter_publish,
        name="curate_publish",
    ),
    path(
        "kuratieren/<slug:slug>/verwerfen/",
        curation_views.chapter_discard,
        name="curate_discard",
    ),
    path("kuratieren/<slug:slug>/neu/", curation_views.item_new, name="curate_item_new"),
    path("kuratieren/<slug:slug>/verlauf/", curation_views.history, name="curate_history"),
    path("<slug:slug>/", views.chapter_detail, name="chapter"),
    path("<slug:slug>/notiz/", views.save_note, name="save_note"),
]
