"""Logo uploads: only real JPEG, PNG or WebP images within limits, re-encoded
so that no metadata (EXIF, GPS, comments) or hidden payload survives."""

import io
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 20_000_000  # e.g. 5000 x 4000
MAX_SIDE = 600
FORMATS = {"JPEG", "PNG", "WEBP"}
LOGO_HELP = _("JPEG, PNG oder WebP, höchstens 2 MB. Wir speichern eine verkleinerte Kopie.")


def process_logo(upload) -> ContentFile:
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("Die Datei ist zu groß (höchstens 2 MB). Bitte ein kleineres Bild wählen."),
            code="too_big",
        )
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS:
                raise ValidationError(
                    _("Nur Bilder im Format JPEG, PNG oder WebP sind möglich."), code="format"
                )
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _("Das Bild hat zu viele Bildpunkte (höchstens 20 Megapixel)."),
                    code="pixels",
                )
            image.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("Das Bild hat zu viele Bildpunkte (höchstens 20 Megapixel)."), code="pixels"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("Die Datei ist kein gültiges Bild. Bitte ein JPEG-, PNG- oder WebP-Bild wählen."),
            code="invalid",
        ) from None
    image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)  # a fresh file: no EXIF or other metadata
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.png")
