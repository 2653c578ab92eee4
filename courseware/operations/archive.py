"""The backup archive: one gzip-compressed tar file, read and checked member by member.

Members, and nothing else (a name outside this list makes the archive invalid, so restoring never
writes anywhere but where it should):
    database/courseware.sqlite3   a consistent copy of a SQLite database (the online backup API), or
    database/courseware.pgdump    a PostgreSQL dump in pg_dump's custom format
    keys/secret_key               the SECRET_KEY that signs sessions and links in mails already sent
    keys/signing_key.pem          the Ed25519 key that signed every issued credential (when there is one)
    uploads/<key>                 every attachment a submission names
    manifest.json                 written last: format, creation time, database kind, schema revision,
                                  and the size and SHA-256 of every other member
"""
from __future__ import annotations

import hashlib
import json
import re
import tarfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable

FORMAT = "courseware-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database/courseware.sqlite3", "postgresql": "database/courseware.pgdump"}
SECRET_KEY = "keys/secret_key"
SIGNING_KEY = "keys/signing_key.pem"
UPLOADS = "uploads/"
_MEMBER = re.compile(r"manifest\.json|database/courseware\.(sqlite3|pgdump)|keys/(secret_key|signing_key\.pem)"
                     r"|uploads/[0-9a-f]{40}")
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup could not be made, checked or restored; the message says why, for the operator."""


@dataclass
class Manifest:
    created_at: str
    database: str                      # "sqlite" or "postgresql"
    schema_revision: str
    members: dict[str, dict]           # name -> {"sha256": ..., "size": ...}
    missing_attachments: list[str] = field(default_factory=list)

    @property
    def database_member(self) -> str:
        return DATABASE_MEMBERS[self.database]

    @property
    def attachments(self) -> list[str]:
        return sorted(n for n in self.members if n.startswith(UPLOADS))

    def to_json(self) -> bytes:
        return json.dumps({"format": FORMAT, "format_version": FORMAT_VERSION, "created_at": self.created_at,
                           "database": self.database, "schema_revision": self.schema_revision,
                           "members": self.members, "missing_attachments": self.missing_attachments},
                          indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            raw = json.loads(data)
            if raw.get("format") != FORMAT:
                raise BackupError("The archive's manifest is not a courseware backup manifest.")
            if raw.get("format_version") != FORMAT_VERSION:
                raise BackupError(f"The archive has format version {raw.get('format_version')!r}; this version of "
                                  f"the software reads version {FORMAT_VERSION}.")
            manifest = cls(created_at=str(raw["created_at"]), database=str(raw["database"]),
                           schema_revision=str(raw["schema_revision"]), members=dict(raw["members"]),
                           missing_attachments=list(raw.get("missing_attachments", [])))
        except BackupError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise BackupError(f"The archive's manifest cannot be read ({e}).") from None
        if manifest.database not in DATABASE_MEMBERS:
            raise BackupError(f"The archive names an unknown database kind {manifest.database!r}.")
        for name, entry in manifest.members.items():
            if not _MEMBER.fullmatch(name) or name == MANIFEST or not isinstance(entry, dict) \
                    or not isinstance(entry.get("sha256"), str) or not isinstance(entry.get("size"), int):
                raise BackupError(f"The archive's manifest lists an unexpected entry {name!r}.")
        return manifest


def add_member(tar: tarfile.TarFile, name: str, source: BinaryIO, size: int, mtime: float) -> dict:
    """Add `size` bytes from `source` as `name`; returns its manifest entry (size and SHA-256)."""
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(mtime)
    digest = hashlib.sha256()

    class Hashing:
        def read(self, n: int = -1) -> bytes:
            data = source.read(n)
            digest.update(data)
            return data

    tar.addfile(info, Hashing())
    return {"sha256": digest.hexdigest(), "size": size}


def read_archive(path: Path, keep: Callable[[str], bool] = lambda name: False,
                 into: Path | None = None) -> Manifest:
    """Read the whole archive, checking every member against the manifest; members for which `keep`
    is true are written into `into` (under their member names). Raises BackupError on any problem:
    a damaged or truncated file, an unexpected or missing member, a size or checksum that differs."""
    seen: dict[str, dict] = {}
    manifest_bytes = None
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            for member in tar:
                name = member.name
                if not member.isfile() or not _MEMBER.fullmatch(name):
                    raise BackupError(f"The archive holds an unexpected entry {name!r}; it was not made by "
                                      "`flask backup create`, or it was altered.")
                if name in seen or (name == MANIFEST and manifest_bytes is not None):
                    raise BackupError(f"The archive holds {name!r} twice.")
                stream = tar.extractfile(member)
                if name == MANIFEST:
                    if member.size > MAX_MANIFEST_BYTES:
                        raise BackupError("The archive's manifest is implausibly large.")
                    manifest_bytes = stream.read()
                    continue
                target = None
                if keep(name) and into is not None:
                    destination = into / name
                    destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                    target = open(destination, "xb")
                digest, size = hashlib.sha256(), 0
                try:
                    while chunk := stream.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        if target is not None:
                            target.write(chunk)
                finally:
                    if target is not None:
                        target.close()
                seen[name] = {"sha256": digest.hexdigest(), "size": size}
    except BackupError:
        raise
    except FileNotFoundError:
        raise BackupError(f"There is no file {path}.") from None
    except (tarfile.TarError, EOFError, zlib.error, OSError) as e:
        raise BackupError(f"The archive is damaged or incomplete (a truncated copy?): {e}.") from None
    if manifest_bytes is None:
        raise BackupError("The archive has no manifest: it is incomplete, or it was not made by `flask backup create`.")
    manifest = Manifest.from_json(manifest_bytes)
    missing = sorted(set(manifest.members) - set(seen))
    extra = sorted(set(seen) - set(manifest.members))
    if missing:
        raise BackupError(f"The archive lacks {len(missing)} member(s) its manifest lists, e.g. {missing[0]}.")
    if extra:
        raise BackupError(f"The archive holds {len(extra)} member(s) its manifest does not list, e.g. {extra[0]}.")
    for name, entry in manifest.members.items():
        if seen[name] != {"sha256": entry["sha256"], "size": entry["size"]}:
            raise BackupError(f"{name} differs from the manifest (size or SHA-256): the archive was altered "
                              "or damaged.")
    if manifest.database_member not in manifest.members:
        raise BackupError("The archive holds no database.")
    if SECRET_KEY not in manifest.members:
        raise BackupError("The archive holds no secret key.")
    return manifest


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
