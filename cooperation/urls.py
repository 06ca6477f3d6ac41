from django.urls import path

from cooperation import report_views, space_views, views

app_name = "cooperation"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("neu/<slug:slug>/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/entscheiden/", views.decide, name="decide"),
    path("<int:pk>/melden/", report_views.report, name="report"),
    path("<int:pk>/zusammenarbeit/", space_views.space_page, name="space"),
    path("<int:pk>/zusammenarbeit/ziele/", space_views.space_plan, name="space_plan"),
    path(
        "<int:pk>/zusammenarbeit/checkliste/<int:entry>/",
        space_views.space_checklist,
        name="space_checklist",
    ),
    path(
        "<int:pk>/zusammenarbeit/zeitplan/", space_views.space_milestones, name="space_milestones"
    ),
    path(
        "<int:pk>/zusammenarbeit/zeitplan/<int:item>/",
        space_views.space_milestone,
        name="space_milestone",
    ),
    path("<int:pk>/zusammenarbeit/aufwand/", space_views.space_allowances, name="space_allowances"),
    path(
        "<int:pk>/zusammenarbeit/aufwand/<int:item>/",
        space_views.space_allowance,
        name="space_allowance",
    ),
    path("<int:pk>/zusammenarbeit/dokumente/", space_views.space_documents, name="space_documents"),
    path(
        "<int:pk>/zusammenarbeit/dokumente/<int:item>/",
        space_views.space_document,
        name="space_document",
    ),
    path("<int:pk>/zusammenarbeit/abschluss/", space_views.space_close, name="space_close"),
    path("<int:pk>/zusammenarbeit/referenz/", space_views.space_reference, name="space_reference"),
    path("antwort/<str:token>/", views.relay, name="relay"),
    path("antwort/<str:token>/uebernehmen/", views.relay_claim, name="relay_claim"),
]
