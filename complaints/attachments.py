"""What a customer's file must be to be kept: the one check the web form, the
customer's page and the service all use (a refusal names the limit it broke).

The type is read from the content (``filetype``: magic numbers), never from
the name or the type the browser declared: a program renamed ``fatura.pdf``
is refused. Plain text has no magic number: it is accepted as text only when
it decodes as UTF-8 without control characters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import filetype
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from . import conf

# Friendly names for the message that lists what is accepted.
_TYPE_NAMES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WebP",
    "image/heic": "HEIC",
    "text/plain": "TXT",
    "application/msword": "DOC",
    "application/vnd.ms-excel": "XLS",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
}
_SNIFF_BYTES = 8192
_TEXT_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r", "\f"}


@dataclass(frozen=True)
class CheckedFile:
    upload: Any  # a django UploadedFile (or any File with .name, .size, .read, .seek)
    filename: str
    content_type: str
    size: int


def accepted_types_text() -> str:
    names = [_TYPE_NAMES.get(t, t) for t in conf.attachment_allowed_types()]
    return ", ".join(dict.fromkeys(names))


def limits_text() -> str:
    """For the form's help text: what is accepted, how big, how many."""
    return _("Up to %(count)d files, each at most %(size)s: %(types)s.") % {
        "count": conf.attachment_max_count(),
        "size": filesizeformat(conf.attachment_max_bytes()),
        "types": accepted_types_text(),
    }


def safe_filename(name: str) -> str:
    """The customer's file name, made safe to suggest in a download."""
    name = (name or "").replace("\x00", "").replace("\\", "/").rsplit("/", 1)[-1]
    try:
        name = get_valid_filename(name)
    except SuspiciousFileOperation:
        name = ""
    if len(name) > 100:
        stem, dot, extension = name.rpartition(".")
        name = (stem[:90] + dot + extension[:9]) if dot else name[:100]
    return name or "file"


def detect_type(head: bytes) -> str:
    """The content type the bytes show, or "" when they show none we know."""
    kind = filetype.guess(head)
    if kind is not None:
        return str(kind.mime)
    if not head:
        return ""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character cut at the end of the sniffed head is fine.
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return ""
    if any(ch in _TEXT_CONTROL for ch in text):
        return ""
    return "text/plain"


def _head(upload: Any) -> bytes:
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    upload.seek(0)
    return bytes(head or b"")


def attachments_check(uploads: Sequence[Any]) -> list[CheckedFile]:
    """Check every file against the limits; ValidationError with one message per
    refused file (each naming the limit), or the checked files."""
    uploads = [u for u in uploads if u is not None]
    max_count, max_bytes = conf.attachment_max_count(), conf.attachment_max_bytes()
    if len(uploads) > max_count:
        raise ValidationError(
            _("You can attach at most %(count)d files at a time; you chose %(chosen)d.")
            % {"count": max_count, "chosen": len(uploads)},
            code="count",
        )
    allowed = {t.lower() for t in conf.attachment_allowed_types()}
    errors: list[ValidationError] = []
    checked: list[CheckedFile] = []
    for upload in uploads:
        filename = safe_filename(getattr(upload, "name", "") or "")
        size = int(getattr(upload, "size", 0) or 0)
        if size > max_bytes:
            errors.append(
                ValidationError(
                    _("“%(name)s” is %(size)s; the limit is %(limit)s per file.")
                    % {
                        "name": filename,
                        "size": filesizeformat(size),
                        "limit": filesizeformat(max_bytes),
                    },
                    code="size",
                )
            )
            continue
        if size == 0:
            errors.append(
                ValidationError(_("“%(name)s” is empty.") % {"name": filename}, code="empty")
            )
            continue
        content_type = detect_type(_head(upload))
        if content_type not in allowed:
            errors.append(
                ValidationError(
                    _(
                        "“%(name)s” is not a file type we accept (by its content). "
                        "Accepted: %(types)s."
                    )
                    % {"name": filename, "types": accepted_types_text()},
                    code="type",
                )
            )
            continue
        checked.append(CheckedFile(upload, filename, content_type, size))
    if errors:
        raise ValidationError(errors)
    return checked


def attachment_response(attachment: Any) -> FileResponse:
    """The one way a kept file leaves: a download under its safe name, never
    rendered by the browser (no HTML or SVG running on our origin)."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
