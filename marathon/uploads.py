"""Checks for uploaded files: size and real type (by content, not by the name's extension)."""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF = {"application/pdf"}
OFFICE = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.presentation",
}
IMAGES = {"image/png", "image/jpeg"}
DOCUMENTS = PDF | OFFICE
ZIP_BASED = OFFICE  # .docx/.pptx/.odt are ZIP containers; filetype reports them precisely or as zip


def validate_upload(upload, *, allowed: set[str], max_bytes: int | None = None) -> str:
    """Return the detected MIME type, or raise ValidationError with a message for the user."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    if upload is None:
        raise ValidationError(_("Choose a file to upload."), code="required")
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if mime == "application/zip" and allowed & ZIP_BASED:
        mime = _office_mime_from_name(upload.name) or mime
    if mime not in allowed:
        raise ValidationError(
            _("This type of file is not accepted (%(found)s). Allowed: %(allowed)s.")
            % {"found": mime or _("unknown"), "allowed": ", ".join(sorted(_short(m) for m in allowed))},
            code="bad_type",
        )
    return mime


def _office_mime_from_name(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt": "application/vnd.oasis.opendocument.text",
        "odp": "application/vnd.oasis.opendocument.presentation",
    }.get(ext, "")


def _short(mime: str) -> str:
    return {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}.get(
        mime, mime.rsplit(".", 1)[-1].upper() if "." in mime else mime)


def serve_file(field_file, *, filename: str, content_type: str):
    """Stream a stored file as a download (call only after checking permission)."""
    from django.http import FileResponse

    response = FileResponse(field_file.open("rb"), as_attachment=True, filename=filename,
                            content_type=content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
