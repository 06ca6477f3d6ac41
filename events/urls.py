from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("kalender.ics", views.feed, name="feed"),
    path("organisation/<slug:slug>.ics", views.organisation_feed, name="organisation_feed"),
    path("neu/", views.new, name="new"),
    path("importe/", views.feeds, name="feeds"),
    path("importe/<int:pk>/", views.feed_edit, name="feed_edit"),
    path("<uuid:uid>/", views.detail, name="detail"),
    path("<uuid:uid>/bearbeiten/", views.edit, name="edit"),
    path("<uuid:uid>/absagen/", views.cancel, name="cancel"),
    path("<uuid:uid>/ausblenden/", views.hide, name="hide"),
]
