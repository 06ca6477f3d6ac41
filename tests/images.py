"""Image files for upload tests, made in memory."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_file(fmt="PNG", size=(200, 120), name=None, exif=False) -> SimpleUploadedFile:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # camera make
        data[0x8825] = {2: (52, 31, 12)}  # GPS info
        kwargs["exif"] = data
    image.save(out, format=fmt, **kwargs)
    extension = {"JPEG": "jpg"}.get(fmt, fmt.lower())
    return SimpleUploadedFile(name or f"logo.{extension}", out.getvalue())


def decompression_bomb() -> SimpleUploadedFile:
    """A small PNG file that decodes to 400 megapixels."""
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, format="PNG")
    return SimpleUploadedFile("bomb.png", out.getvalue())
