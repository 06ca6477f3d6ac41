from django.conf import settings
from django.urls import path

from portal import dashboard_views, operator_views, outreach_views, pages, topics, views

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon),
    path("healthz", views.healthz, name="healthz"),
    path("sprache/<str:code>/", views.switch_language, name="switch_language"),
    path("koordination/", dashboard_views.dashboard_view, name="dashboard"),
    path("koordination/zahlen.csv", dashboard_views.dashboard_csv, name="dashboard_csv"),
    path("koordination/betreiber/", operator_views.operator_edit, name="operator_edit"),
    path("koordination/rueckmeldungen/", pages.feedback_list, name="feedback_list"),
    path("koordination/anfragen/", dashboard_views.request_worklist, name="request_worklist"),
    path("koordination/unerreichbar/", dashboard_views.unreachable_list, name="unreachable"),
    path("koordination/aktualitaet/", outreach_views.outreach_lists, name="outreach"),
    path(
        "koordination/aktualitaet/aktion/", outreach_views.outreach_action, name="outreach_action"
    ),
    path(
        "koordination/aktualitaet/briefe/",
        outreach_views.outreach_letters,
        name="outreach_letters",
    ),
    path("seiten/<slug:slug>/", pages.page, name="page"),
    path("seiten/<slug:slug>/bearbeiten/", pages.page_edit, name="page_edit"),
    path("themen/", topics.topics_index, name="topics"),
    path("themen/<str:kind>/<slug:slug>/", topics.term_detail, name="term"),
]

if settings.BENCHMARK_FLOOR:
    urlpatterns += [path("_floor/", views.floor)]
