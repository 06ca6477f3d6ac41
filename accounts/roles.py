"""Roles that span the apps: the coordinators' group and its model permissions."""

from django.contrib.auth.models import Group, Permission

COORDINATOR_GROUP = "Koordination"

# app_label.codename
COORDINATOR_PERMISSIONS = [
    "guidance.curate_guide",
    "directory.review_organisation",
    "directory.add_term",
    "directory.change_term",
    "directory.view_term",
    "directory.view_organisation",
    "directory.change_organisation",
    "accounts.view_officialdomain",
    "accounts.add_officialdomain",
    "accounts.change_officialdomain",
    "accounts.view_accountreport",
]


def ensure_groups(**kwargs) -> Group:
    """Create the coordinators' group with its permissions (idempotent; runs after migrate)."""
    group, _ = Group.objects.get_or_create(name=COORDINATOR_GROUP)
    wanted = [p.split(".", 1) for p in COORDINATOR_PERMISSIONS]
    permissions = [
        permission
        for permission in Permission.objects.filter(
            codename__in=[codename for _, codename in wanted]
        ).select_related("content_type")
        if [permission.content_type.app_label, permission.codename] in wanted
    ]
    group.permissions.add(*permissions)
    return group


def make_coordinator(user) -> None:
    user.groups.add(ensure_groups())


def is_institution(user) -> bool:
    """Signed-in staff of a *verified* institution (restricted contact data,
    shortlists, saved searches, requests). An institution account without a
    verification counts as an ordinary signed-in user."""
    return bool(getattr(user, "is_institution", False))
