from django.urls import path

from cooperation import report_views, views

app_name = "cooperation"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("neu/<slug:slug>/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/entscheiden/", views.decide, name="decide"),
    path("<int:pk>/melden/", report_views.report, name="report"),
    path("antwort/<str:token>/", views.relay, name="relay"),
    path("antwort/<str:token>/uebernehmen/", views.relay_claim, name="relay_claim"),
]
