"""The coordinators' view of a profile's invitations to take it over."""

from django import template

from directory.models import Organisation, TakeoverInvitation
from directory.outreach import has_postal_address

register = template.Library()


@register.inclusion_tag("directory/review/includes/takeover.html", takes_context=True)
def takeover_invitations(context, organisation: Organisation):
    members = context.get("members")
    has_team = any(m.user.is_active for m in members) if members is not None else False
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "organisation": organisation,
        "invitations": list(
            TakeoverInvitation.objects.filter(organisation=organisation).select_related(
                "created_by", "used_by"
            )[:10]
        ),
        "has_team": has_team,
        "can_letter": has_postal_address(organisation),
        "published": organisation.status == Organisation.Status.PUBLISHED,
    }
