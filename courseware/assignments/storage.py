"""Attachments: checked by their content, stored under random names in instance/uploads.

The learner's file name is never used on disk and never trusted for the type: the bytes
decide. Zip-based office formats are opened (without extracting anything) and must declare
their type the way the format requires; those that carry macros or would unpack to far more
than they weigh are refused. Files are served only by a view that checks who asks.

A file is written before the row that names it is committed, so that no committed row lacks its file.
Until the commit, the writing process holds an exclusive lock (flock) on the file: a process killed in
between leaves a file that nobody holds and no row names, which `recovery.remove_orphan_files`
recognises and removes, without ever touching a file whose request is still running.
"""
from __future__ import annotations

import errno
import fcntl
import io
import logging
import os
import secrets
import threading
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

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

# An office file is a ZIP archive. Judged from its directory, without extracting anything: what it would
# unpack to, and how many parts it has. A legitimate assignment is far below both.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ARCHIVE_ENTRIES = 1000

# Code an office program could run. OOXML: the VBA project (vbaProject.bin, vbaData.xml) and its content
# types, ActiveX controls, a template fetched from elsewhere. ODF: Basic libraries and scripts stored in the
# document, and events bound to macros or scripts (which can also call scripts installed with the program).
OOXML_ACTIVE_PARTS = ("vbaproject.bin", "vbadata.xml")
OOXML_ACTIVE_FOLDERS = ("activex/",)
OOXML_ACTIVE_TYPES = ("vbaproject", "vbadata", "macroenabled", "ms-office.activex")
ODF_ACTIVE_FOLDERS = ("basic/", "scripts/")
ODF_ACTIVE_MARKERS = (b"script:event-listener", b"vnd.sun.star.script:", b"macro://")
ODF_SCANNED_PARTS = ("content.xml", "styles.xml", "settings.xml", "meta-inf/manifest.xml")
SCAN_CHUNK = 256 * 1024

ACTIVE_CONTENT = ("This file contains macros or other code that an office program could run, which we do not "
                  "accept. Save it as an ordinary document without macros and choose it again.")
TOO_MANY_PARTS = ("This file would unpack to more than 100 MB or holds more than 1,000 parts, which no assignment "
                  "needs. Save it again without large embedded files and choose it again.")


class FileTooLarge(DomainError):
    """The attachment is over MAX_ATTACHMENT_BYTES; the view answers 413."""


class StorageFull(DomainError):
    """The disk of the uploads folder is full; nothing was stored. The view answers 507."""


STORAGE_FULL_MESSAGE = ("The file could not be stored: the server has run out of storage space. Nothing was "
                        "saved. Please try again later; the site's operator has been told.")
# The errors a full disk (or an exhausted quota) gives when a file is written.
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
INCOMING_PREFIX = ".incoming-"

# Files this process has written whose rows are not committed yet: key -> the open, locked descriptor.
_held: dict[str, int] = {}
_held_guard = threading.Lock()


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


def _refuse(message: str) -> DomainError:
    return DomainError(message, field="attachment")


def _check_archive_size(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a ZIP bomb from its directory alone: too many entries, or too much once unpacked. Encrypted
    or duplicated entries cannot be judged (an office program might read the other copy) and are refused."""
    if len(infos) > MAX_ARCHIVE_ENTRIES or sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise _refuse(TOO_MANY_PARTS)
    names = [info.filename.lower() for info in infos]
    if len(set(names)) != len(names) or any(info.flag_bits & 0x1 for info in infos):
        raise _refuse(ACTIVE_CONTENT)


def _contains(zf: zipfile.ZipFile, info: zipfile.ZipInfo, markers: tuple[bytes, ...]) -> bool:
    """Whether the entry's text holds one of `markers`, read in chunks (its size is already capped)."""
    longest = max(len(m) for m in markers)
    tail = b""
    with zf.open(info) as fh:
        while chunk := fh.read(SCAN_CHUNK):
            window = (tail + chunk).lower()
            if any(marker in window for marker in markers):
                return True
            tail = window[-longest:]
    return False


def _ooxml_type(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> tuple[str, str] | None:
    names = {info.filename for info in infos}
    info = zf.getinfo("[Content_Types].xml") if "[Content_Types].xml" in names else None
    if info is None or info.file_size > MAX_MANIFEST_BYTES:
        return None
    manifest = zf.read(info).decode("utf-8", "replace")
    lowered = [name.lower() for name in names]
    if (any(name.rsplit("/", 1)[-1] in OOXML_ACTIVE_PARTS for name in lowered)
            or any(f"/{folder}" in f"/{name}" for name in lowered for folder in OOXML_ACTIVE_FOLDERS)
            or any(marker in manifest.lower() for marker in OOXML_ACTIVE_TYPES)):
        raise _refuse(ACTIVE_CONTENT)
    for rels in (i for i in infos if i.filename.lower().endswith(".rels")):
        if rels.file_size <= MAX_MANIFEST_BYTES and _contains(zf, rels, (b"attachedtemplate",)) \
                and _contains(zf, rels, (b'targetmode="external"',)):
            raise _refuse(ACTIVE_CONTENT)
    for kind, main_type, part in OOXML:
        if f'ContentType="{main_type}"' in manifest and part in names:
            return kind
    return None


def _odf_type(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> tuple[str, str] | None:
    first = infos[0]
    if first.file_size > 200:
        return None
    declared = zf.read(first).decode("ascii", "replace").strip()
    names = {info.filename for info in infos}
    if declared not in ODF or not {"content.xml", "META-INF/manifest.xml"} <= names:
        return None
    if any(info.filename.lower().startswith(ODF_ACTIVE_FOLDERS) for info in infos):
        raise _refuse(ACTIVE_CONTENT)
    for info in infos:
        if info.filename.lower() in ODF_SCANNED_PARTS and _contains(zf, info, ODF_ACTIVE_MARKERS):
            raise _refuse(ACTIVE_CONTENT)
    return ODF[declared]


def _zip_type(data: bytes) -> tuple[str, str] | None:
    """The office type of a ZIP-based file; None when it is no allowed type; DomainError when it is one but
    carries macros or would unpack to too much."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if not infos:
                return None
            _check_archive_size(infos)
            if infos[0].filename == "mimetype":
                return _odf_type(zf, infos)
            return _ooxml_type(zf, infos)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, ValueError, RuntimeError,
            NotImplementedError, EOFError):
        return None


def detect_type(data: bytes) -> tuple[str, str] | None:
    """(MIME type, extension) of an allowed file, judged by its bytes; None for anything else. Raises
    DomainError for an office file that carries macros or would unpack to too much."""
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
        """Write the file in full under a fresh random name and return that name (the key).

        The file is written under a temporary name, flushed to disk, then renamed into place, so a
        key never names half a file. It stays locked by this process until `release` (after the
        commit) or `discard`. Raises StorageFull, leaving nothing behind, when the disk is full.
        """
        try:
            folder = self._ready()
            while True:
                key = secrets.token_hex(20)
                incoming = folder / f"{INCOMING_PREFIX}{key}"
                try:
                    fd = os.open(incoming, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                except FileExistsError:
                    continue
                break
        except OSError as e:
            raise self._full(e) from e
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            view = memoryview(checked.data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
            os.rename(incoming, folder / key)
            _fsync_folder(folder)
        except OSError as e:
            os.close(fd)
            incoming.unlink(missing_ok=True)
            raise self._full(e) from e
        with _held_guard:
            _held[key] = fd
        return key

    def _full(self, error: OSError) -> Exception:
        if error.errno in _FULL:
            log.error("the uploads folder %s is full (%s): an attachment was refused", self.folder, error)
            return StorageFull(STORAGE_FULL_MESSAGE, field="attachment")
        return error

    @staticmethod
    def release(key: str | None) -> None:
        """The row naming `key` is committed (or the file is gone): let go of the file's lock."""
        if key:
            with _held_guard:
                fd = _held.pop(key, None)
            if fd is not None:
                os.close(fd)

    @staticmethod
    def try_lock(path: Path) -> int | None:
        """An open, locked descriptor of `path` when no live process holds it; None otherwise."""
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return None
        return fd

    def path_of(self, key: str) -> Path:
        # Keys are only ever generated by `store`; refuse anything else rather than build a path from it.
        if not is_key(key):
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
            self.release(key)


def is_key(name: str) -> bool:
    return len(name) == 40 and all(c in "0123456789abcdef" for c in name)


def _fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` survive a power cut."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def for_site(site: Site) -> AttachmentStore:
    return AttachmentStore(site.instance_path / "uploads")
