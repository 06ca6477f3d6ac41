from django.urls import path

from intake import views

app_name = "intake"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/zuordnung/", views.job_mapping, name="mapping"),
    path("<int:pk>/zuordnung/aendern/", views.job_remap, name="remap"),
    path("<int:pk>/dubletten/", views.job_resolve, name="resolve"),
    path("<int:pk>/start/", views.job_start, name="start"),
    path("<int:pk>/rueckgaengig/", views.job_undo, name="undo"),
    path("<int:pk>/loeschen/", views.job_delete, name="delete"),
]
