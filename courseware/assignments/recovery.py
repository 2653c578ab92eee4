"""After a crash: remove attachment files that no submission names and no live process is writing.

`storage.AttachmentStore.store` writes a file, locked, before its row is committed. A worker killed
between the two leaves a file without a row; its lock died with it. Such files are found here: not
named by any submission, and lockable (so nobody is still writing them). The check for a row is
repeated once the lock is held, because the writer may have committed just before letting go.
"""
from __future__ import annotations

import logging
import os

from sqlalchemy import select

from ..core.site import Site
from ..extensions import db
from . import storage
from .models import Submission

log = logging.getLogger(__name__)

BATCH = 500


def _named(keys: list[str]) -> set[str]:
    named: set[str] = set()
    for start in range(0, len(keys), BATCH):
        named.update(db.session.scalars(select(Submission.attachment_key).where(
            Submission.attachment_key.in_(keys[start:start + BATCH]))))
    return named


def remove_orphan_files(site: Site) -> int:
    """Remove every file in the uploads folder that no submission names and nobody is writing.
    Returns how many were removed. Reads the database; writes nothing to it."""
    store = storage.for_site(site)
    if not store.folder.is_dir():
        return 0
    files = [p for p in store.folder.iterdir()
             if p.is_file() and (storage.is_key(p.name) or p.name.startswith(storage.INCOMING_PREFIX))]
    named = _named([p.name for p in files if storage.is_key(p.name)])
    db.session.rollback()   # the checks below must see rows committed from now on
    removed = 0
    for path in files:
        if path.name in named:
            continue
        fd = store.try_lock(path)
        if fd is None:
            continue        # a live request is writing it, or it is gone already
        try:
            if storage.is_key(path.name) and _named([path.name]):
                continue    # committed meanwhile
            path.unlink(missing_ok=True)
            removed += 1
        finally:
            os.close(fd)
            db.session.rollback()
    if removed:
        log.warning("removed %d attachment file(s) that no submission names (left by an interrupted upload)",
                    removed)
    return removed


def settle_after_failed_commit(site: Site, key: str | None) -> None:
    """The commit that should have named `key` failed. A commit whose answer was lost (the database
    connection cut at that moment) may still have happened, so the file goes only when the database
    says that no row names it; if the database cannot say, the file stays for `remove_orphan_files`."""
    if not key:
        return
    store = storage.for_site(site)
    try:
        db.session.rollback()
        named = bool(_named([key]))
        db.session.rollback()
    except Exception:  # the database is not answering: keep the file, decide at the next sweep
        log.warning("could not check whether attachment %s is named by a submission; kept for now", key)
        store.release(key)
        return
    if named:
        store.release(key)
    else:
        store.discard(key)
