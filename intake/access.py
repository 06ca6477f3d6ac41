"""Who may use the import: coordinators (the reviewers' permission)."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from directory.access import REVIEW_PERMISSION
from intake.models import ImportJob

PERMISSION = REVIEW_PERMISSION


def job_for_coordinator(request: HttpRequest, pk: int) -> ImportJob:
    """The job (the views' decorator has checked the permission already)."""
    return get_object_or_404(ImportJob.objects.select_related("created_by"), pk=pk)
