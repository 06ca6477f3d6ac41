from django.urls import path

from support import views_assessment, views_offers, views_people

app_name = "support"

urlpatterns = [
    path("", views_offers.catalogue, name="catalogue"),
    path("neu/", views_offers.offer_edit, name="offer_new"),
    path("angebot/<int:pk>/", views_offers.offer_detail, name="offer"),
    path("angebot/<int:pk>/bearbeiten/", views_offers.offer_edit, name="offer_edit"),
    path("bedarf/<slug:slug>/", views_assessment.rounds, name="assessments"),
    path("bedarf/<slug:slug>/neu/", views_assessment.start, name="assessment_start"),
    path("bedarf/<slug:slug>/<int:pk>/", views_assessment.assessment, name="assessment"),
    path("bedarf/<slug:slug>/<int:pk>/ergebnis/", views_assessment.result, name="result"),
    path("mentoren/", views_people.mentors, name="mentors"),
    path("mentoren/<int:pk>/tandem/", views_people.tandem_request, name="tandem"),
    path("mentor/<slug:slug>/", views_people.mentor_edit, name="mentor_edit"),
    path("expertenpool/", views_people.experts, name="experts"),
    path("expertenpool/eintragen/", views_people.expert_register, name="expert_register"),
    path("expertenpool/zurueckziehen/", views_people.expert_withdraw, name="expert_withdraw"),
    path("expertenpool/<int:pk>/kontakt/", views_people.expert_contact, name="expert_contact"),
]
