from django.urls import path

from directory import (
    identity_views,
    map_views,
    merge_views,
    review_views,
    selfservice_views,
    takeover_views,
    views,
)

app_name = "directory"

urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("karte.json", map_views.organisation_map, name="organisation_map"),
    path("neu/", selfservice_views.organisation_new, name="new"),
    path("pruefung/", review_views.queue, name="review_queue"),
    path("pruefung/anfrage/<int:pk>/", review_views.claim_decide, name="claim_decide"),
    path("pruefung/dubletten/", merge_views.pairs, name="duplicate_pairs"),
    path("einladung/", takeover_views.takeover_code, name="takeover_code"),
    path("einladung/<str:token>/", selfservice_views.invitation_accept, name="invitation_accept"),
    path("uebernahme/", takeover_views.takeover_resume, name="takeover_resume"),
    path("uebernahme/<str:token>/", takeover_views.takeover_link, name="takeover_link"),
    path("<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("<slug:slug>/bearbeiten/", selfservice_views.edit, name="edit"),
    path(
        "<slug:slug>/bearbeiten/<str:section>/",
        selfservice_views.edit_section,
        name="edit_section",
    ),
    path("<slug:slug>/einreichen/", selfservice_views.submit, name="submit"),
    path(
        "<slug:slug>/aenderungen-verwerfen/",
        selfservice_views.revision_discard,
        name="revision_discard",
    ),
    path("<slug:slug>/bestaetigen/", selfservice_views.confirm_current, name="confirm"),
    path("<slug:slug>/archivieren/", selfservice_views.archive, name="archive"),
    path("<slug:slug>/team/", selfservice_views.team_view, name="team"),
    path(
        "<slug:slug>/team/<int:pk>/entfernen/",
        selfservice_views.team_remove,
        name="team_remove",
    ),
    path(
        "<slug:slug>/team/<int:pk>/uebergeben/",
        selfservice_views.team_transfer,
        name="team_transfer",
    ),
    path(
        "<slug:slug>/team/einladung/<int:pk>/zurueckziehen/",
        selfservice_views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("<slug:slug>/uebernehmen/", selfservice_views.claim, name="claim"),
    path("<slug:slug>/einladung-senden/", takeover_views.takeover_invite, name="takeover_invite"),
    path("<slug:slug>/pruefen/", review_views.review, name="review"),
    path("<slug:slug>/verlauf/", review_views.history, name="history"),
    path("<slug:slug>/identitaet-pruefen/", identity_views.verify, name="verify_identity"),
    path(
        "<slug:slug>/verlauf/<int:history_id>/wiederherstellen/",
        review_views.restore,
        name="restore",
    ),
    path("<slug:slug>/eigentuemer/", review_views.assign_owner, name="assign_owner"),
    path("<slug:slug>/zusammenfuehren/<slug:other>/", merge_views.merge, name="merge"),
    path("<slug:slug>/keine-dublette/<slug:other>/", merge_views.distinct, name="distinct"),
    path(
        "<slug:slug>/keine-dublette/<slug:other>/aufheben/",
        merge_views.distinct_undo,
        name="distinct_undo",
    ),
]
