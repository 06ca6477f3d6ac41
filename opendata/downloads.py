"""Downloads: the current directory result (with its filters) as CSV and JSON,
and the full HSDS dump. Public data only; the licence in every file."""

import csv
import json

from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from core.csvexport import safe_cell
from directory import identity
from directory.access import visible_contact
from directory.filters import OrganisationFilter
from directory.models import Offer, Organisation, PublicDataVersion
from directory.vocabulary import TERM_RELATIONS, terms_by_organisation
from opendata.dump import FILES, dump_path, read_stamp
from opendata.hsds import PUBLIC
from opendata.licence import licence, licence_line

COLUMNS = [
    "id",
    "name",
    "short_name",
    "legal_form",
    "founding_year",
    "postal_code",
    "city",
    "state",
    "area",
    "website",
    "email",
    "phone",
    "street",
    *TERM_RELATIONS,
    "offers",
    "paid_staff",
    "volunteers",
    "members",
    "has_rooms",
    "open_for_cooperation",
    "confirmed_at",
    "url",
    # Issue 19, as the MO entered them; identity_verified: checked by a coordinator.
    "register_court",
    "register_number",
    "charitable_status",
    "charitable_notice_date",
    "identity_verified",
    "identity_verified_at",
]
BATCH = 1000


def _rows(request, queryset):
    """Dicts of public data, in batches (constant memory for any size)."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        terms = terms_by_organisation([o.pk for o in batch])
        identity.attach(batch)
        offers: dict[int, list[str]] = {organisation.pk: [] for organisation in batch}
        for offer in Offer.objects.filter(organisation__in=batch).order_by("position"):
            offers[offer.organisation_id].append(offer.title)
        for organisation in batch:
            contact = visible_contact(organisation, PUBLIC)
            row = {
                "id": str(organisation.uuid),
                "name": organisation.name,
                "short_name": organisation.short_name,
                "legal_form": organisation.legal_form,
                "founding_year": organisation.founding_year,
                "postal_code": organisation.postal_code,
                "city": organisation.city,
                "state": organisation.state.slug if organisation.state else "",
                "area": organisation.area,
                "website": organisation.website,
                "email": contact["email"],
                "phone": contact["phone"],
                "street": contact["street"],
                "offers": offers[organisation.pk],
                "paid_staff": organisation.paid_staff,
                "volunteers": organisation.volunteers,
                "members": organisation.members,
                "has_rooms": organisation.has_rooms,
                "open_for_cooperation": organisation.open_for_cooperation,
                "confirmed_at": organisation.confirmed_at.isoformat()
                if organisation.confirmed_at
                else "",
                "url": request.build_absolute_uri(organisation.get_absolute_url()),
                "register_court": organisation.register_court,
                "register_number": organisation.register_number,
                "charitable_status": organisation.charitable_status,
                "charitable_notice_date": organisation.charitable_notice_date.isoformat()
                if organisation.charitable_notice_date
                else "",
            }
            verification = identity.as_data(organisation.identity_check)
            row["identity_verified"] = verification["verified"]
            row["identity_verified_at"] = verification["verified_at"] or ""
            for relation in TERM_RELATIONS:
                row[relation] = [t.slug for t in terms[organisation.pk][relation]]
            yield row
        last = batch[-1].pk


def _filtered(request):
    published = Organisation.objects.published().without_search_texts()
    filterset = OrganisationFilter(request.GET, queryset=published)
    return filterset.qs.select_related("state")


class _Echo:
    def write(self, value):
        return value


def export_csv(request):
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"
        yield writer.writerow([safe_cell(licence_line())])
        yield writer.writerow(COLUMNS)
        for row in _rows(request, _filtered(request)):
            cells = [
                "; ".join(row[c])
                if isinstance(row[c], list)
                else ("" if row[c] is None else row[c])
                for c in COLUMNS
            ]
            yield writer.writerow([safe_cell(cell) for cell in cells])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="migrantenorganisationen-{stamp}.csv"'
    return response


def export_json(request):
    def chunks():
        yield '{"licence": ' + json.dumps(licence(), ensure_ascii=False) + ', "organisations": ['
        first = True
        for row in _rows(request, _filtered(request)):
            yield ("" if first else ",") + json.dumps(row, ensure_ascii=False)
            first = False
        yield "]}"

    response = StreamingHttpResponse(chunks(), content_type="application/json")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="migrantenorganisationen-{stamp}.json"'
    return response


# How long a client waits for a dump being written again (the export worker's
# interval plus the time of an export, see export_open_data).
RETRY_AFTER = 120


@require_safe
def dump(request, name):
    """A dump file, if no change that may have withdrawn public data came after
    it (else 503 until the export worker has written it again), with the time
    it was generated as Last-Modified and X-Generated-At."""
    if name not in FILES:
        raise Http404
    try:
        handle = dump_path(name).open("rb")
    except FileNotFoundError:
        raise Http404("The dump has not been generated yet (manage.py export_open_data).") from None
    stamp = read_stamp(handle, name)  # of the very file served
    if stamp is None or stamp.version < PublicDataVersion.current().withdrawn:
        handle.close()
        response = HttpResponse(
            "The published data changed since this dump was generated; it is being "
            "generated again. Please try again in a few minutes.\n",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(RETRY_AFTER)
        response["Cache-Control"] = "no-store"
        return response
    served = FileResponse(handle, as_attachment=True, filename=name)
    served["Last-Modified"] = http_date(stamp.generated_at.timestamp())
    served["X-Generated-At"] = stamp.generated_at.isoformat()
    served["Cache-Control"] = "no-cache"  # caches ask again: a dump may be withdrawn
    return served
