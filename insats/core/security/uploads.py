"""Upload validation (kontroll av uppladdade filer): type by content and size, in one place.

Every FileField and every upload form uses these validators; the allowed types are recognised
by their first bytes rather than the name or the browser's content type, both of which the
sender controls. Limits come from settings (INSATS_UPLOAD_MAX_BYTES).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class FileType:
    name: str
    extensions: tuple[str, ...]


PDF = FileType("PDF", (".pdf",))
PNG = FileType("PNG", (".png",))
JPEG = FileType("JPEG", (".jpg", ".jpeg"))
XLSX = FileType("Excel (xlsx)", (".xlsx",))
CSV = FileType("CSV", (".csv", ".txt"))
ZIP = FileType("ZIP", (".zip",))
ALL_TYPES = (PDF, PNG, JPEG, XLSX, CSV, ZIP)


def sniff(head: bytes) -> FileType | None:
    """The file type its first bytes show, or None when it is none of the known ones."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        # An xlsx workbook is a ZIP archive with [Content_Types].xml among its first entries.
        return XLSX if b"[Content_Types].xml" in head or b"xl/" in head else ZIP
    if _looks_like_text(head):
        return CSV
    return None


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            # A multi-byte character cut at the end of the sample is still text.
            try:
                text = head[:-3].decode(encoding)
            except UnicodeDecodeError:
                continue
        controls = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t")
        return controls == 0
    return False


@deconstructible
class FileValidator:
    """Refuse files over `max_bytes` or whose content is not one of `allowed` types.

    Usable as a model field validator (`FileField(validators=[FileValidator(...)])`) and from
    forms or services (`FileValidator(...)(uploaded_file)`).
    """

    def __init__(self, allowed: tuple[FileType, ...] = ALL_TYPES, max_bytes: int | None = None):
        self.allowed = tuple(allowed)
        self.max_bytes = max_bytes

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, FileValidator)
            and self.allowed == other.allowed
            and self.max_bytes == other.max_bytes
        )

    def limit(self) -> int:
        if self.max_bytes is not None:
            return self.max_bytes
        return int(getattr(settings, "INSATS_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))

    def __call__(self, file) -> None:
        name = getattr(file, "name", "") or ""
        size = getattr(file, "size", None)
        limit = self.limit()
        if size is not None and size > limit:
            raise ValidationError(
                _(
                    "Filen %(name)s är för stor (%(size)s MB). "
                    "Största tillåtna storlek är %(max)s MB."
                ),
                code="file_too_large",
                params={"name": name, "size": _mb(size), "max": _mb(limit)},
            )
        if size == 0:
            raise ValidationError(
                _("Filen %(name)s är tom."), code="file_empty", params={"name": name}
            )
        head = _read_head(file)
        found = sniff(head)
        allowed_names = ", ".join(t.name for t in self.allowed)
        if found is None or found not in self.allowed:
            raise ValidationError(
                _("Filen %(name)s har en filtyp som inte tas emot. Tillåtna filtyper: %(types)s."),
                code="file_type",
                params={"name": name, "types": allowed_names},
            )
        extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension not in found.extensions:
            raise ValidationError(
                _("Filen %(name)s är en %(type)s-fil men har fel filändelse."),
                code="file_extension",
                params={"name": name, "type": found.name},
            )


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def _read_head(file, length: int = 2048) -> bytes:
    position = file.tell() if hasattr(file, "tell") else None
    try:
        if hasattr(file, "seek"):
            file.seek(0)
        head = file.read(length)
    finally:
        if position is not None and hasattr(file, "seek"):
            file.seek(position)
    if isinstance(head, str):
        head = head.encode("utf-8")
    return head or b""
