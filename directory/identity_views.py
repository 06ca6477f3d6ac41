"""A coordinator checks an MO's identity (register entry, notice of exemption)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.access import permission_required_or_403
from directory import identity, revisions, services
from directory.access import REVIEW_PERMISSION
from directory.forms import IdentityCheckForm
from directory.models import Organisation

REFUSED = {
    "changed": lambda: _(
        "Die Angaben wurden inzwischen geändert. Ihre Prüfung ist nicht gespeichert: Bitte "
        "sehen Sie sich die aktuellen Angaben an und prüfen Sie erneut."
    ),
    "nothing": lambda: _("Bitte wählen Sie, was Sie geprüft haben."),
    "no_register": lambda: _(
        "Die Organisation hat kein Registergericht und keine Registernummer angegeben. Das "
        "Register kann erst geprüft werden, wenn beides im Profil steht."
    ),
    "not_charitable": lambda: _(
        "Die Organisation hat nicht „gemeinnützig: ja“ angegeben. Der Freistellungsbescheid "
        "kann erst geprüft werden, wenn das im Profil steht."
    ),
}


@permission_required_or_403(REVIEW_PERMISSION)
def verify(request, slug):
    organisation = get_object_or_404(Organisation.objects.select_related("state"), slug=slug)
    form = IdentityCheckForm(request.POST or None, initial={"seen": organisation.identity_key})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.identity_verify(
                    organisation=organisation,
                    by=request.user,
                    seen_key=data["seen"],
                    register_checked=data["register_checked"],
                    exemption_checked=data["exemption_checked"],
                    note=data["note"],
                )
            except services.IdentityError as error:
                messages.error(request, REFUSED[error.code]())
                status = 409 if error.code == "changed" else 400
                organisation.refresh_from_db()
                shown = request.POST.copy()  # the choices kept, the values now shown
                shown["seen"] = organisation.identity_key
                form = IdentityCheckForm(shown)
            else:
                messages.success(request, _("Gespeichert: Die Identität ist geprüft."))
                return redirect("directory:verify_identity", slug=slug)
    revision = (
        revisions.open_revision(organisation) if revisions.needs_review(organisation) else None
    )
    waiting = [key for key in identity.FIELDS if revision is not None and key in revision.content]
    check = identity.current_check(organisation)
    return render(
        request,
        "directory/review/identity.html",
        {
            "organisation": organisation,
            "form": form,
            "check": check,
            "badge": identity.badge(check),
            "checks": organisation.identity_verifications.select_related("verified_by")[:20],
            "waiting": bool(waiting),
        },
        status=status,
    )
