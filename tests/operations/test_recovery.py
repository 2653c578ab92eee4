"""A process killed between writing an attachment and committing its row leaves a file nobody holds:
it is found and removed, while files of live requests and files that rows name are left alone."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import update

from courseware.assignments import recovery, storage
from courseware.assignments.models import Submission
from courseware.core.site import current_site
from courseware.extensions import db
from tests.conftest import sign_in

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64

WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from courseware.assignments import storage
    store = storage.AttachmentStore(Path(sys.argv[1]))
    key = store.store(storage.CheckedFile(data=b"half-way upload", name="a.pdf", mime="application/pdf"))
    print(key, flush=True)
    time.sleep(120)      # "the request is still running": the row is not committed, the lock is held
""")


def start_writer(folder: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-c", WRITER, str(folder)], stdout=subprocess.PIPE, text=True,
                               cwd=Path(__file__).resolve().parents[2])
    return process, process.stdout.readline().strip()


def test_a_killed_writers_file_is_removed_and_a_live_writers_kept(app):
    with app.app_context():
        site = current_site()
        folder = storage.for_site(site).folder
        folder.mkdir(parents=True, exist_ok=True)
        process, key = start_writer(folder)
        try:
            assert storage.is_key(key) and (folder / key).exists()
            assert recovery.remove_orphan_files(site) == 0, "a live request's file is never touched"
            assert (folder / key).exists()
        finally:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        assert recovery.remove_orphan_files(site) == 1
        assert not (folder / key).exists()


def test_files_that_rows_name_stay_and_leftover_partial_files_go(app, client, learner):
    client = sign_in(app, learner)
    import io
    response = client.post("/modules/basics/assignment/", content_type="multipart/form-data",
                           data={"body": "Plan attached.", "attachment": (io.BytesIO(PNG), "plan.png")})
    assert response.status_code in (302, 303)
    with app.app_context():
        site = current_site()
        folder = storage.for_site(site).folder
        partial = folder / f"{storage.INCOMING_PREFIX}{'a' * 40}"
        partial.write_bytes(b"half")
        named = {p.name for p in folder.iterdir() if storage.is_key(p.name)}
        assert len(named) == 1
        assert recovery.remove_orphan_files(site) == 1
        assert {p.name for p in folder.iterdir()} == named
    assert client.get("/modules/basics/assignment/").status_code == 200


def test_a_failed_commit_removes_the_file_only_when_no_row_names_it(app, learner):
    with app.app_context():
        site = current_site()
        store = storage.for_site(site)
        checked = storage.CheckedFile(data=PNG, name="p.png", mime="image/png")
        lost = store.store(checked)
        recovery.settle_after_failed_commit(site, lost)
        assert not store.path_of(lost).exists()

        # The commit happened, but its answer was lost with the connection: the file stays.
        kept = store.store(checked)
        db.session.add(Submission(user_id=learner.id, module_slug="basics", version=1, attachment_key=kept,
                                  attachment_name="p.png", attachment_type="image/png", attachment_size=len(PNG)))
        db.session.commit()
        recovery.settle_after_failed_commit(site, kept)
        assert store.path_of(kept).exists()
        db.session.execute(update(Submission).values(attachment_key=None))
        db.session.commit()
