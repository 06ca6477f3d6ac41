"""Open-data addresses outside /api/: downloads of the directory's result, the widget."""

from django.urls import path

from opendata import downloads, widget

urlpatterns = [
    path("organisationen/export.csv", downloads.export_csv, name="export_csv"),
    path("organisationen/export.json", downloads.export_json, name="export_json"),
    path("organisationen/export.xlsx", downloads.export_xlsx, name="export_xlsx"),
    path("widget/", widget.widget, name="widget"),
]
