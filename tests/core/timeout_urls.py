"""URLs for tests/core/test_db_timeouts.py: the portal's, plus a page whose
query takes seconds (PostgreSQL's pg_sleep)."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path

from config.urls import handler500
from config.urls import urlpatterns as portal_urlpatterns


def slow_page(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(3)")
    return HttpResponse("finished")


urlpatterns = [path("test-slow-query/", slow_page), *portal_urlpatterns]

__all__ = ["handler500", "urlpatterns"]
