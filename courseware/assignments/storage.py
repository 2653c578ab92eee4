"""Attachments: checked by their content, stored under random names in instance/uploads.

The learner's file name is never used on disk and never trusted for the type: the bytes
decide. Zip-based office formats are opened (without extracting anything) and must declare
their type the way the format requires. Files are served only by a view that checks who asks.
"""
from __future__ import annotations

import io
import os
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import logging

from werkzeug.datastructures import FileStorage

from ..core.errors import DomainError
from ..core.site import Site

log = logging.getLogger(__name__)

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_NAME_LENGTH = 150
ALLOWED_DESCRIPTION = ("PDF, Word (DOCX), OpenDocument text (ODT), Excel (XLSX), OpenDocument spreadsheet (ODS), "
                       "PNG or JPEG")

PDF = ("application/pdf", "pdf")
PNG = ("image/png", "png")
JPEG = ("image/jpeg", "jpg")
ODT = ("application/vnd.oasis.opendocument.text", "odt")
ODS = ("application/vnd.oasis.opendocument.spreadsheet", "ods")
DOCX = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")

# [Content_Types].xml must declare the main part, and the part must exist. Macro-enabled
# variants (docm, xlsm) declare other main types and are refused.
OOXML = [
    (DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", "word/document.xml"),
    (XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "xl/workbook.xml"),
]
ODF = {ODT[0]: ODT, ODS[0]: ODS}
MAX_MANIFEST_BYTES = 1024 * 1024


class FileTooLarge(DomainError):
    """The attachment is over MAX_ATTACHMENT_BYTES; the view answers 413."""


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    name: str        # sanitised, with the extension of the detected type
    mime: str


def _read_limited(upload: FileStorage) -> bytes:
    data = upload.stream.read(MAX_ATTACHMENT_BYTES + 1)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise FileTooLarge("The file is larger than 10 MB. Choose a smaller file.", field="attachment")
    return data


def _zip_type(data: bytes) -> tuple[str, str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            infos = zf.infolist()
            if infos and infos[0].filename == "mimetype" and infos[0].file_size <= 200:
                declared = zf.read(infos[0]).decode("ascii", "replace").strip()
                if declared in ODF and {"content.xml", "META-INF/manifest.xml"} <= names:
                    return ODF[declared]
                return None
            info = zf.getinfo("[Content_Types].xml") if "[Content_Types].xml" in names else None
            if info is None or info.file_size > MAX_MANIFEST_BYTES:
                return None
            manifest = zf.read(info).decode("utf-8", "replace")
            for kind, main_type, part in OOXML:
                if f'ContentType="{main_type}"' in manifest and part in names:
                    return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, ValueError, RuntimeError,
            NotImplementedError, EOFError):
        return None
    return None


def detect_type(data: bytes) -> tuple[str, str] | None:
    """(MIME type, extension) of an allowed file, judged by its bytes; None for anything else."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    return None


def clean_name(raw: str, extension: str) -> str:
    """The learner's file name, safe for a Content-Disposition header, ending in the real extension."""
    if "/" in raw or "\\" in raw or raw.strip().startswith(".."):
        raise DomainError("The file name must not contain a folder path. Rename the file and choose it again.",
                          field="attachment")
    name = unicodedata.normalize("NFC", raw)
    name = "".join(c for c in name if unicodedata.category(c)[0] not in "CZ" or c == " ").strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem = name
    stem = stem[: MAX_NAME_LENGTH - 10].strip(" .") or "attachment"
    return f"{stem}.{extension}"


def check_upload(upload: FileStorage) -> CheckedFile:
    """Validate an uploaded file: size, content type, file name. Raises DomainError (FileTooLarge over 10 MB)."""
    raw_name = upload.filename or ""
    data = _read_limited(upload)
    if not data:
        raise DomainError("The chosen file is empty.", field="attachment")
    kind = detect_type(data)
    if kind is None:
        raise DomainError(f"This file is not one of the allowed types: {ALLOWED_DESCRIPTION}. "
                          "The type is judged by the file's content, not its name.", field="attachment")
    mime, extension = kind
    return CheckedFile(data=data, name=clean_name(raw_name, extension), mime=mime)


class AttachmentStore:
    """The folder of uploaded files, outside the web root: files named by random keys."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _ready(self) -> Path:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return self.folder

    def store(self, checked: CheckedFile) -> str:
        """Write the file under a fresh random name; returns that name (the key)."""
        folder = self._ready()
        while True:
            key = secrets.token_hex(20)
            try:
                fd = os.open(folder / key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            with os.fdopen(fd, "wb") as fh:
                fh.write(checked.data)
            return key

    def path_of(self, key: str) -> Path:
        # Keys are only ever generated by `store`; refuse anything else rather than build a path from it.
        if not (len(key) == 40 and all(c in "0123456789abcdef" for c in key)):
            raise ValueError("not an attachment key")
        return self.folder / key

    def read(self, key: str) -> bytes:
        return self.path_of(key).read_bytes()

    def discard(self, key: str | None) -> None:
        """Remove a stored file that no row refers to any more (best effort)."""
        if key:
            try:
                self.path_of(key).unlink(missing_ok=True)
            except (OSError, ValueError):
                log.warning("could not remove attachment %s", key)


def for_site(site: Site) -> AttachmentStore:
    return AttachmentStore(site.instance_path / "uploads")
