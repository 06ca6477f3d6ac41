"""Downloads: the current directory result (with its filters) as CSV, XLSX and
JSON, and the full HSDS dump. Public data only; the licence with every file.

The CSV and the XLSX are for spreadsheets: the CSV is what German Excel and
LibreOffice read (semicolons, UTF-8 with BOM, the header in the first line, the
licence in a Link header and on the page); a cell that a spreadsheet would run
as a formula is neutralised (core.csvexport.safe_cell), a phone number is not.
The XLSX has labels instead of slugs and typed cells: text stays text (postcodes
keep their leading zero), dates are dates, and no string is ever a formula. The
machine-readable files (JSON, HSDS) carry the values unchanged.
"""

import csv
import datetime
import io
import json
import re
from collections.abc import Iterator

from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from core.csvexport import safe_cell
from directory import identity
from directory.access import visible_contact
from directory.filters import OrganisationFilter
from directory.models import Offer, Organisation, PublicDataVersion
from directory.relations import RELATIONS
from directory.vocabulary import TERM_RELATIONS, terms_by_organisation
from opendata.dump import FILES, FORMAT, dump_path, read_stamp
from opendata.hsds import PUBLIC
from opendata.licence import licence

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
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows(request, queryset, *, labels: bool = False) -> Iterator[dict]:
    """Dicts of public data, in batches (constant memory for any size); with
    ``labels`` the terms, state, area and charitable status as people read them."""
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
                "state": _state(organisation, labels),
                "area": organisation.get_area_display() if labels else organisation.area,
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
                "charitable_status": organisation.get_charitable_status_display()
                if labels
                else organisation.charitable_status,
                "charitable_notice_date": organisation.charitable_notice_date.isoformat()
                if organisation.charitable_notice_date
                else "",
            }
            verification = identity.as_data(organisation.identity_check)
            row["identity_verified"] = verification["verified"]
            row["identity_verified_at"] = verification["verified_at"] or ""
            for relation in TERM_RELATIONS:
                row[relation] = [
                    t.label if labels else t.slug for t in terms[organisation.pk][relation]
                ]
            yield row
        last = batch[-1].pk


def _state(organisation: Organisation, labels: bool) -> str:
    if organisation.state is None:
        return ""
    return organisation.state.label if labels else organisation.state.slug


def _filtered(request):
    published = Organisation.objects.published().without_search_texts()
    filterset = OrganisationFilter(request.GET, queryset=published)
    return filterset.qs.select_related("state")


class _Echo:
    def write(self, value):
        return value


def _licensed(response: HttpResponseBase) -> HttpResponseBase:
    """The licence of a download as a Link header (RFC 8288, rel="license")."""
    response["Link"] = f'<{licence()["url"]}>; rel="license"'
    return response


def _filename(extension: str) -> str:
    return f"migrantenorganisationen-{timezone.localdate().isoformat()}.{extension}"


def export_csv(request):
    """The result for spreadsheets: ``;`` as German spreadsheets expect, the
    header first (csv.DictReader reads it), list values joined by ``, ``."""
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff"
        yield writer.writerow(COLUMNS)
        for row in _rows(request, _filtered(request)):
            yield writer.writerow([spreadsheet_cell(_text(row[column])) for column in COLUMNS])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return _licensed(response)


def _text(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


# A phone number (+49 30 1234567) starts like a formula but cannot run anything:
# it keeps its plus sign, no apostrophe in front.
_PHONE = re.compile(r"\+[0-9][0-9 /()-]*")


def spreadsheet_cell(text: str) -> str:
    return text if _PHONE.fullmatch(text) else safe_cell(text)


def _xlsx_columns() -> list[tuple[str, str]]:
    labels = {
        "id": _("ID"),
        "name": _("Name"),
        "short_name": _("Kurzname"),
        "legal_form": _("Rechtsform"),
        "founding_year": _("Gründungsjahr"),
        "postal_code": _("PLZ"),
        "city": _("Ort"),
        "state": _("Bundesland"),
        "area": _("Wirkungsbereich"),
        "website": _("Website"),
        "email": _("E-Mail"),
        "phone": _("Telefon"),
        "street": _("Straße"),
        "offers": _("Angebote"),
        "paid_staff": _("Hauptamtliche Mitarbeitende"),
        "volunteers": _("Ehrenamtliche"),
        "members": _("Mitglieder"),
        "has_rooms": _("Eigene Räume"),
        "open_for_cooperation": _("Offen für neue Kooperationen"),
        "confirmed_at": _("Zuletzt bestätigt"),
        "url": _("Profil im MO-Portal"),
        "register_court": _("Registergericht"),
        "register_number": _("Registernummer"),
        "charitable_status": _("Gemeinnützig"),
        "charitable_notice_date": _("Datum des letzten Freistellungsbescheids"),
        "identity_verified": _("Identität geprüft"),
        "identity_verified_at": _("Identität geprüft am"),
        **{relation.field: str(relation.verbose_name) for relation in RELATIONS if relation.many},
    }
    return [(column, str(labels[column])) for column in COLUMNS]


# The columns that hold dates (ISO text in the rows): date cells in the workbook.
XLSX_DATES = {"confirmed_at", "charitable_notice_date", "identity_verified_at"}


def _xlsx_value(column: str, value: object) -> object:
    """A cell's value: numbers and dates typed, yes/no in words, lists joined,
    text without the control characters a workbook cannot hold."""
    if isinstance(value, bool):
        return str(_("ja") if value else _("nein"))
    if isinstance(value, int) or value is None:
        return value
    if isinstance(value, list):
        value = ", ".join(value)
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if column in XLSX_DATES and text:
        moment = datetime.datetime.fromisoformat(text)
        return moment.date() if len(text) == 10 else moment.replace(tzinfo=None)
    return text


def export_xlsx(request):
    """The result as an Excel workbook with labels: the organisations on the
    first sheet (header row frozen, filter on), the licence on the second."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Organisationen")))
    columns = _xlsx_columns()
    sheet.freeze_panes = "A2"
    sheet.append([label for _column, label in columns])
    count = 0
    for row in _rows(request, _filtered(request), labels=True):
        cells = []
        for column, _label in columns:
            value = _xlsx_value(column, row[column])
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula (openpyxl reads "=..." as one)
            elif isinstance(value, datetime.datetime):
                cell.number_format = "DD.MM.YYYY HH:MM"
            elif isinstance(value, datetime.date):
                cell.number_format = "DD.MM.YYYY"
            cells.append(cell)
        sheet.append(cells)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    about = workbook.create_sheet(str(_("Lizenz")))
    data = licence()
    for line in (data["name"], data["url"], data["attribution"], timezone.now().isoformat()):
        cell = WriteOnlyCell(about, value=str(line))
        cell.data_type = "s"
        about.append([cell])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return _licensed(response)


def export_json(request):
    def chunks():
        yield (
            '{"generated_at": '
            + json.dumps(timezone.now().isoformat())
            + ', "licence": '
            + json.dumps(licence(), ensure_ascii=False)
            + ', "organisations": ['
        )
        first = True
        for row in _rows(request, _filtered(request)):
            yield ("" if first else ",") + json.dumps(row, ensure_ascii=False)
            first = False
        yield "]}"

    response = StreamingHttpResponse(chunks(), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{_filename("json")}"'
    return _licensed(response)


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
    if (
        stamp is None
        or stamp.version < PublicDataVersion.current().withdrawn
        or stamp.format != FORMAT  # an older release's layout, being written anew
    ):
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
    served["ETag"] = f'"{stamp.format}-{stamp.version}-{stamp.generated_at.timestamp():.6f}"'
    # Caches ask again each time (a dump may be withdrawn) and get a 304 while unchanged.
    served["Cache-Control"] = "public, no-cache"
    return served
