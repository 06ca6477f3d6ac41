"""Reading an uploaded list: CSV (UTF-8 with or without BOM, else cp1252; ``;``,
``,`` or tab separated) or XLSX (openpyxl, the first sheet). Every value is
returned as text; dates (date cells) as ISO dates ("1998-05-01")."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 60
TOO_MANY_COLUMNS = _("Die Datei hat zu viele Spalten (höchstens %(n)s).")
NOT_A_TABLE = _(
    "Diese Datei ist keine CSV- oder XLSX-Datei. Speichern Sie sie in Excel oder "
    "LibreOffice als „CSV UTF-8“ oder „Excel-Arbeitsmappe (.xlsx)“."
)
# How files begin that only look like a list: old Excel (.xls) and other
# OLE2 documents, PDF, UTF-16 text (a byte-order mark).
NOT_A_TABLE_STARTS = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"%PDF", b"\xff\xfe", b"\xfe\xff")
ZIP_START = b"PK\x03\x04"
# Control characters that no list's text holds (tab, line ends and form feed may).
# Control characters no text table has. Not: tab, line breaks, form feed, the
# vertical tab (FileMaker's line break inside a cell), DOS's end-of-file mark.
BINARY = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c\x1a")


class ReadError(Exception):
    """A file that cannot be read; the message says why, for the person who uploaded it.

    The message is kept untranslated with its values (``message``, ``params``):
    the worker reads the file, and the job page translates the message into the
    language of whoever looks at it (``str()`` translates into the active one)."""

    def __init__(self, message: str, params: dict[str, str] | None = None) -> None:
        super().__init__(message, params or {})
        self.message = message
        self.params = params or {}

    def __str__(self) -> str:
        text = gettext(self.message) if self.message else ""
        return text % self.params if self.params else text

    def as_json(self) -> dict[str, object]:
        return {"message": self.message, "params": self.params}


def decode(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (a BOM is dropped), else cp1252 (Windows
    Excel's "CSV"), else Latin-1 (which decodes any byte)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _delimiter(text: str) -> str:
    first = text[: 64 * 1024].split("\n", 1)[0]
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ";"))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\x00", "").strip()
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows_limited(rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise ReadError(_("Die Datei ist leer."))
    header = [h.strip() for h in rows[0]]
    while header and not header[-1]:  # empty cells after the last column
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise ReadError(TOO_MANY_COLUMNS, {"n": str(MAX_COLUMNS)})
    body = rows[1:]
    if len(body) > MAX_ROWS:
        raise ReadError(
            _(
                "Die Datei hat %(rows)s Zeilen. Erlaubt sind höchstens %(max)s. "
                "Bitte teilen Sie sie."
            ),
            {"rows": f"{len(body):n}", "max": f"{MAX_ROWS:n}"},
        )
    width = len(header)
    return header, [(r + [""] * width)[:width] for r in body]


def read_csv(data: bytes) -> tuple[list[str], list[list[str]]]:
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append([v.replace("\x00", "").strip() for v in row])
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as error:
        raise ReadError(
            _("Die CSV-Datei ist fehlerhaft: %(error)s"), {"error": str(error)}
        ) from error
    return _rows_limited(rows)


def read_xlsx(data: bytes) -> tuple[list[str], list[list[str]]]:
    import openpyxl  # only needed here

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ReadError(_("Die Excel-Datei lässt sich nicht lesen.")) from error
    try:
        sheet = book.worksheets[0]
        rows: list[list[str]] = []
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):
            rows.append([_text(v) for v in row])
            if len(rows) > MAX_ROWS + 1:
                break
    finally:
        book.close()
    return _rows_limited(rows)


HEAD_BYTES = 64 * 1024
# Spreadsheets of other kinds, refused by name with the advice how to save them.
SPREADSHEETS = (".xls", ".xlsm", ".xlsb", ".ods", ".numbers")


def kind(name: str, data: bytes) -> str:
    """What the file is by its content: "xlsx" (a zip with a workbook) or
    "csv" (text); ReadError when it is neither (an .xls, an .ods, a PDF, UTF-16
    text, any binary file), whatever its name says."""
    if data.startswith(NOT_A_TABLE_STARTS):
        raise ReadError(NOT_A_TABLE)
    if data.startswith(ZIP_START):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError) as error:
            raise ReadError(_("Die Excel-Datei lässt sich nicht lesen.")) from error
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise ReadError(NOT_A_TABLE)  # an .ods, a Word file, another archive
    if name.lower().endswith(".xlsx"):
        raise ReadError(_("Die Excel-Datei lässt sich nicht lesen."))
    head = data[:HEAD_BYTES]
    controls = sum(head.count(byte) for byte in BINARY)
    if b"\x00" in head or controls > max(len(head) // 100, 1):
        raise ReadError(NOT_A_TABLE)
    return "csv"


def check(name: str, data: bytes) -> str:
    """The quick checks the upload request makes before it stores the file
    (ReadError: why not): its size and kind (by name and by content), that it
    is not empty, a CSV file's header. They cost milliseconds whatever the
    size; reading every row is the worker's (``read``), which finds the rest
    (too many rows, a broken row, a workbook that is none). Returns the kind
    ("csv" or "xlsx")."""
    if len(data) > MAX_BYTES:
        raise ReadError(
            _("Die Datei ist größer als %(mb)s MB. Bitte teilen Sie sie."),
            {"mb": str(MAX_BYTES // (1024 * 1024))},
        )
    lower = name.lower()
    if lower.endswith(SPREADSHEETS):
        raise ReadError(NOT_A_TABLE)
    if not lower.endswith((".xlsx", ".csv", ".txt")):
        raise ReadError(_("Bitte laden Sie eine CSV- oder XLSX-Datei hoch."))
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise ReadError(_("Die Datei ist leer."))
    found = kind(name, data)
    if found == "xlsx":
        return found
    text = decode(data[:HEAD_BYTES])
    try:
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)), [])
    except csv.Error:
        return found  # the worker reads the whole file and says what is wrong
    while header and not header[-1].strip():
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise ReadError(TOO_MANY_COLUMNS, {"n": str(MAX_COLUMNS)})
    return found


def read(name: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of an uploaded file (ReadError: why not)."""
    if check(name, data) == "xlsx":
        return read_xlsx(data)
    return read_csv(data)
