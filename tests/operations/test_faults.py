"""Faults injected into real servers: gunicorn workers killed mid-request, PostgreSQL connections cut,
the uploads disk full. What was acknowledged is stored; nothing is half stored; nobody sees a 500.

(An SMTP server that refuses and then accepts, and Redis stopping under the rate limits, are tested
with the mail and the security work.)"""
from __future__ import annotations

import contextlib
import os
import random
import secrets
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from courseware.assignments.models import Submission
from courseware.extensions import db
from courseware.forums.models import Post, Thread
from tests.factories import DEFAULT_PASSWORD, make_user

from .conftest import is_postgres
from .servers import Client, free_port, gunicorn, gunicorn_master, kill_one_worker, site_env, wait_until_answering

pytestmark = pytest.mark.slow

PDF = b"%PDF-1.4\n" + secrets.token_bytes(48 * 1024) + b"\n%%EOF\n"
ACKNOWLEDGED = (302, 303)


def prepare(make_site, fresh_database, people: int):
    """A migrated site with `people` learners; returns the app, its URL and the learners."""
    url = fresh_database()
    app = make_site(url, "server")
    with app.app_context():
        learners = [make_user(email=f"learner{i}@fault.example", name=f"Learner {i}") for i in range(people)]
    return app, url, learners


def retrying(action, attempts: int = 20):
    """Run `action` again when the server drops the connection (a worker killed under it)."""
    for attempt in range(attempts):
        try:
            return action()
        except OSError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.1)


def signed_in(address, learner) -> Client:
    client = Client(*address)
    assert client.sign_in(learner.email, DEFAULT_PASSWORD) == 302
    client.get("/modules/")
    return client


def test_a_worker_killed_while_learners_write_loses_nothing_acknowledged(make_site, fresh_database, tmp_path):
    """SIGKILL to a gunicorn worker, five times, while six learners post replies and save drafts with
    attachments: is every acknowledged write stored, is no file without its row or row without its file
    left behind, and does the service answer again at once?"""
    app, url, learners = prepare(make_site, fresh_database, 6)
    instance = Path(app.instance_path)
    log = tmp_path / "gunicorn.log"
    sent: dict[str, list] = {"reply": [], "draft": []}       # (learner, token, status)
    lock, stop, errors = threading.Lock(), threading.Event(), []
    rng = random.Random(21)

    with gunicorn(site_env(url, instance), workers=2, log=log) as address:
        master = gunicorn_master(address[1])
        with app.app_context():
            threads = [(t.module_slug, t.id) for t in db.session.scalars(select(Thread).order_by(Thread.id))]
            db.session.remove()
        assert threads, "the workers created the prompt threads when they started"

        def fresh_form(client) -> None:
            for _ in range(20):          # a worker may die under this request too
                try:
                    client.get("/modules/basics/assignment/")
                    return
                except OSError:
                    time.sleep(0.1)

        def learner_loop(i: int) -> None:
            try:
                client = retrying(lambda: signed_in(address, learners[i]))
                fresh_form(client)
                n = 0
                while not stop.is_set() and n < 200:
                    n += 1
                    token = f"w{i}-{n}-{secrets.token_hex(3)}"
                    kind = "reply" if n % 2 else "draft"
                    try:
                        if kind == "reply":
                            module, thread_id = threads[n % len(threads)]
                            status = client.post(f"/modules/{module}/forum/{thread_id}/",
                                                 {"body": f"Reply {token}", "form_token": secrets.token_urlsafe(12)})[0]
                        else:
                            status = client.multipart("/modules/basics/assignment/",
                                                      {"body": f"Draft {token}", "save_draft": "Save draft"},
                                                      {"attachment": (f"{token}.pdf", PDF, "application/pdf")})[0]
                    except OSError:          # the worker died with the request: not acknowledged
                        status = None
                    with lock:
                        sent[kind].append((i, token, status))
                    if kind == "draft":
                        fresh_form(client)
            except Exception as e:  # reported by the test, instead of dying silently in a thread
                errors.append(f"learner {i}: {e!r}")

        workers = [threading.Thread(target=learner_loop, args=(i,)) for i in range(len(learners))]
        for w in workers:
            w.start()
        back_within = []
        try:
            for _ in range(5):
                time.sleep(1.0)
                kill_one_worker(master, rng)
                back_within.append(wait_until_answering(*address, limit=5))
            time.sleep(1.0)
        finally:
            stop.set()
            for w in workers:
                w.join(timeout=120)
        # Every killed worker was replaced, and the replacement cleaned up after it when it started.
        wait_until_answering(*address, limit=10)
        time.sleep(1.0)
    server_log = log.read_text(errors="replace")

    statuses = Counter(status for kind in sent for _, _, status in sent[kind])
    assert 500 not in statuses and not errors, (statuses, errors)
    assert statuses[302] + statuses[303] > 10, statuses
    assert all(seconds < 3 for seconds in back_within), back_within

    with app.app_context():
        stored_replies = {body.removeprefix("Reply ") for body in db.session.scalars(
            select(Post.body).where(Post.body.like("Reply %")))}
        drafts = {s.user_id: s for s in db.session.scalars(select(Submission))}
        db.session.remove()
    acknowledged = {token for _, token, status in sent["reply"] if status in ACKNOWLEDGED}
    sent_tokens = {token for _, token, _ in sent["reply"]}
    assert acknowledged <= stored_replies, "an acknowledged reply is missing"
    assert stored_replies <= sent_tokens
    for i, learner in enumerate(learners):
        mine = [(token, status) for j, token, status in sent["draft"] if j == i]
        last_ok = max((k for k, (_, status) in enumerate(mine) if status in ACKNOWLEDGED), default=None)
        if last_ok is None:
            continue
        draft = drafts[learner.id]
        # The draft holds the last acknowledged save, or a later one whose answer was lost with its worker.
        assert draft.body.removeprefix("Draft ") in {token for token, _ in mine[last_ok:]}
        assert draft.attachment_name == f"{draft.body.removeprefix('Draft ')}.pdf"

    # Nothing half stored: every named file is whole, every file is named, no temporary file is left.
    uploads = instance / "uploads"
    on_disk = {p.name: p.stat().st_size for p in uploads.iterdir()}
    named = {s.attachment_key: s.attachment_size for s in drafts.values() if s.attachment_key}
    assert on_disk == named, (sorted(set(on_disk) ^ set(named)), server_log[-3000:])
    assert all(size == len(PDF) for size in named.values())
    assert "Traceback" not in server_log, server_log[-5000:]


def _terminate_connections(database_url: str) -> int:
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(database_url)
    with psycopg.connect(parsed.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as conn:
        return conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone()[0]


def test_postgresql_connections_cut_under_load(make_site, fresh_database, database_url, tmp_path):
    """pg_terminate_backend on every connection of the app, twice, while learners read and post: does every
    request that starts after the cut succeed, does nobody get a 500, and is every acknowledged post stored?"""
    if not is_postgres(database_url):
        pytest.skip("needs PostgreSQL: run the suite with DATABASE_URL=postgresql://... (make test does)")
    app, url, learners = prepare(make_site, fresh_database, 4)
    log = tmp_path / "gunicorn.log"
    answers: list[tuple[float, float, int | None, str, str]] = []   # (started, ended, status, kind, token)
    lock, stop = threading.Lock(), threading.Event()
    cuts: list[tuple[float, float]] = []      # (before, after) each pg_terminate_backend call

    with gunicorn(site_env(url, Path(app.instance_path)), workers=2, log=log) as address:
        with app.app_context():
            module, thread_id = db.session.execute(select(Thread.module_slug, Thread.id).limit(1)).one()
            db.session.remove()

        # Everyone signs in before the first cut: what is measured is the reading and posting around the cuts.
        clients = [signed_in(address, learner) for learner in learners]

        def learner_loop(i: int) -> None:
            client = clients[i]
            n = 0
            while not stop.is_set() and n < 400:
                n += 1
                token = f"c{i}-{n}-{secrets.token_hex(3)}"
                started = time.monotonic()
                try:
                    if n % 3:
                        status, kind = client.get(f"/modules/{module}/forum/{thread_id}/")[0], "read"
                    else:
                        status = client.post(f"/modules/{module}/forum/{thread_id}/",
                                             {"body": f"Reply {token}", "form_token": secrets.token_urlsafe(12)})[0]
                        kind = "post"
                except OSError:
                    status, kind = None, "lost"
                with lock:
                    answers.append((started, time.monotonic(), status, kind, token))

        workers = [threading.Thread(target=learner_loop, args=(i,)) for i in range(len(learners))]
        for w in workers:
            w.start()
        try:
            for _ in range(2):
                time.sleep(1.5)
                before = time.monotonic()
                assert _terminate_connections(url) > 0, "the app had connections to cut"
                cuts.append((before, time.monotonic()))
            time.sleep(1.5)
        finally:
            stop.set()
            for w in workers:
                w.join(timeout=120)
    server_log = log.read_text(errors="replace")

    statuses = Counter(status for _, _, status, _, _ in answers)
    lines = server_log.splitlines()
    tracebacks = [i for i, line in enumerate(lines) if "Traceback" in line]
    assert not tracebacks, "\n".join(lines[tracebacks[0] - 3:tracebacks[0] + 60])
    assert 500 not in statuses and None not in statuses, statuses
    # A request that started after a cut and was not in flight at the next one: it succeeded.
    def in_flight(answer) -> bool:
        return any(answer[0] < after and answer[1] > before for before, after in cuts)

    after = [a for a in answers if a[0] > cuts[0][1] and not in_flight(a)]
    assert after and all(status in (200, 302, 303) for _, _, status, _, _ in after), Counter(a[2] for a in after)
    # A request in flight at the cut may fail, clearly: 503 with a page that says what to do.
    assert set(statuses) <= {200, 302, 303, 503}, statuses
    with app.app_context():
        stored = {body.removeprefix("Reply ") for body in db.session.scalars(select(Post.body).where(Post.body.like("Reply %")))}
        db.session.remove()
    acknowledged = {token for _, _, status, kind, token in answers if kind == "post" and status in ACKNOWLEDGED}
    assert acknowledged and acknowledged <= stored


@contextlib.contextmanager
def small_filesystem(folder: Path, size: str):
    """Mount a tmpfs of `size` at `folder` (root only); skip the test, saying why, when that is impossible."""
    if os.geteuid() != 0:
        pytest.skip("the disk-full test mounts a small tmpfs for the uploads folder, which needs root; not run")
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"could not mount a small tmpfs for the disk-full test ({done.stderr.strip()}); not run")
    try:
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_a_full_disk_during_an_upload_stores_nothing_and_says_so(make_site, fresh_database, tmp_path):
    """The uploads folder's disk fills up during an upload: does the learner get a clear message, with
    nothing half stored (no submission row, no partial file), and does the same upload work once there is
    room again?"""
    app, url, learners = prepare(make_site, fresh_database, 1)
    uploads = Path(app.instance_path) / "uploads"
    with small_filesystem(uploads, "128k"):
        filler = uploads / "filler"
        filler.write_bytes(b"\0" * (100 * 1024))
        with gunicorn(site_env(url, Path(app.instance_path)), workers=1) as address:
            client = signed_in(address, learners[0])
            client.get("/modules/basics/assignment/")
            status, _, page = client.multipart("/modules/basics/assignment/", {"body": "My plan for the depot."},
                                               {"attachment": ("plan.pdf", PDF, "application/pdf")})
            assert status == 507
            assert "the server has run out of storage space" in page and "Nothing was saved" in page
            assert "My plan for the depot." in page, "the learner's text is still in the form"
            with app.app_context():
                assert db.session.scalars(select(Submission)).all() == []
                db.session.remove()
            assert sorted(p.name for p in uploads.iterdir()) == ["filler"]

            filler.unlink()
            status, _, _ = client.multipart("/modules/basics/assignment/", {"body": "My plan for the depot."},
                                            {"attachment": ("plan.pdf", PDF, "application/pdf")})
            assert status in ACKNOWLEDGED
        with app.app_context():
            submission = db.session.scalar(select(Submission))
            assert submission.is_waiting and submission.attachment_size == len(PDF)
            assert (uploads / submission.attachment_key).read_bytes() == PDF
            db.session.remove()


@contextlib.contextmanager
def redis_server():
    """A Redis server of the test's own on a free port (no persistence); yields its URL and a `stop()`."""
    port = free_port()
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop():
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0", stop
    finally:
        stop()


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server (Debian's redis-server package)")
def test_redis_stopped_the_site_serves_and_sign_in_limits_still_hold(make_site, fresh_database, tmp_path):
    """The rate-limit storage (Redis) stops under two workers: do pages and sign-in still answer, does the log
    say that limits fall back, and is the eleventh wrong password for one account still refused?"""
    app, url, learners = prepare(make_site, fresh_database, 2)
    log = tmp_path / "gunicorn.log"
    with redis_server() as (redis_url, stop_redis):
        env = site_env(url, Path(app.instance_path), RATELIMIT_STORAGE_URI=redis_url)
        with gunicorn(env, workers=2, log=log) as address:
            reader = signed_in(address, learners[0])      # signed in while Redis ran
            stop_redis()
            assert reader.get("/modules/")[0] == 200
            assert reader.get("/verify/UNKNOWN")[0] == 404
            assert signed_in(address, learners[1]).get("/account/")[0] == 200
            answers = [Client(*address).sign_in(learners[0].email, "not the password") for _ in range(11)]
    server_log = log.read_text(errors="replace")
    assert answers == [422] * 10 + [429], answers
    assert "sign-in and reset limits fall back to the database's counters" in server_log
    assert " 500 " not in server_log and "Traceback" not in server_log, server_log[-3000:]
