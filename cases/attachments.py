"""What a file sent to a case is, judged on its content, and the copies made of an image.

The type is read from the first bytes (`filetype`), never from the name or the browser's word:
a renamed executable is refused. Images are re-encoded with Pillow into a copy without EXIF
data (where and with what the photo was taken) for departments, and a small thumbnail.
Limits come from the settings (`HOTLINE_ATTACHMENT_MAX_MB`, `HOTLINE_ATTACHMENTS_PER_CASE`).
"""

import io
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import InvalidInput

# What may be attached: photos, PDFs and office documents (by the type the content shows).
IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}
DOCUMENT_TYPES = {
    "application/pdf",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}
THUMBNAIL_SIZE = (320, 320)
HEAD_BYTES = 8192  # enough for filetype's signatures (office formats look into the zip)


@dataclass(frozen=True)
class Inspected:
    """An accepted upload: its type by content, its extension and its size."""

    content_type: str
    extension: str
    size: int

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES


def max_bytes() -> int:
    return settings.HOTLINE_ATTACHMENT_MAX_MB * 1024 * 1024


def inspect_upload(upload, field: str = "file") -> Inspected:
    """The upload's type and size, or InvalidInput saying (in the user's language) what is wrong."""
    size = upload.size or 0
    if size == 0:
        raise InvalidInput(_("The file is empty."), field=field)
    if size > max_bytes():
        limit = {"mb": settings.HOTLINE_ATTACHMENT_MAX_MB}
        raise InvalidInput(_("The file is larger than %(mb)s MB.") % limit, field=field)
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or (kind.mime not in IMAGE_TYPES and kind.mime not in DOCUMENT_TYPES):
        raise InvalidInput(
            _(
                "This kind of file is not accepted. Send a photo (JPEG, PNG, GIF, WebP), a PDF "
                "or an office document (Word, Excel, PowerPoint, OpenDocument)."
            ),
            field=field,
        )
    return Inspected(content_type=kind.mime, extension=kind.extension, size=size)


def image_copies(upload, inspected: Inspected, field: str = "file"):
    """(the image without EXIF data, its thumbnail) as ContentFiles; a damaged image is refused."""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.load()
            shared = _without_metadata(image, inspected)
            thumbnail = _thumbnail(image)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        message = _("The image could not be read; it may be damaged.")
        raise InvalidInput(message, field=field) from None
    finally:
        upload.seek(0)
    return ContentFile(shared, name=f"shared.{inspected.extension}"), ContentFile(
        thumbnail, name="thumb.jpg"
    )


def _without_metadata(image: Image.Image, inspected: Inspected) -> bytes:
    """The pixels only: turned upright as the EXIF said, then saved with no EXIF, XMP or ICC."""
    clean = ImageOps.exif_transpose(image).copy()
    clean.info = {}  # what the encoders would otherwise carry over (EXIF, XMP, ICC, comments)
    out = io.BytesIO()
    clean.save(out, format=IMAGE_TYPES[inspected.content_type])
    return out.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    small = ImageOps.exif_transpose(image).convert("RGB")
    small.thumbnail(THUMBNAIL_SIZE)
    out = io.BytesIO()
    small.save(out, format="JPEG", quality=80)
    return out.getvalue()
