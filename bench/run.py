"""The benchmark: the course app under gunicorn on demo populations of 100 and 10,000 learners.

    .venv/bin/python bench/run.py [--learners 10000] [--rounds 3] [--duration 10]
                                  [--database-url postgresql://postgres@127.0.0.1:5432/postgres]
    .venv/bin/python bench/run.py --learners 100000     # the large size: ~8 minutes more to build the data

For each population it builds a fresh database (SQLite in a temporary folder, or a throwaway PostgreSQL
database next to the one named), creates the schema and the demo population, counts the SQL queries of
each page in-process, starts gunicorn with 4 workers, signs in a learner who holds a certificate and a
tutor, and measures each page with wrk (fixed duration, 2 threads, 16 connections), `--rounds` times;
the table gives the median of the rounds. In the same run, at the large population and under the same
gunicorn settings, it measures three floors (bench/floor.py): the bare floor (a Flask route returning
the unit page's bytes), the authenticated floor (the same behind the session cookie, Flask-Login and
the server-side session lookup) and the layout floor (the course app's own signed-in page with nothing
but the base layout: what every page of the site costs before its content); and the write paths
(bench/writes.py: replies and assignment submissions, acknowledged writes per second and the count in
the database afterwards).
Prints a table and saves it to bench/results/latest.txt.
"""
from __future__ import annotations

import argparse
import contextlib
import http.client
import logging
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
GUNICORN = Path(sys.executable).parent / "gunicorn"
USER_AGENT = "courseware-bench"   # the same for sign-in and wrk, so session protection sees one client
BASE_URL = "http://127.0.0.1"    # the benchmark's sites print this in certificates; nothing fetches it
CSRF_RE = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk (the HTTP load generator) is not installed. On Debian or Ubuntu: apt-get install -y wrk "
                 "(`make bench` does this itself when run as root).")
    return wrk


# Databases ---------------------------------------------------------------------------------

@contextlib.contextmanager
def fresh_database(base_url: str | None, folder: Path, label: str):
    """A new empty database for one population; a PostgreSQL one is dropped afterwards."""
    if not base_url:
        yield f"sqlite:///{folder / f'bench-{label}.sqlite3'}"
        return
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", base_url))
    name = f"courseware_bench_{label}_{secrets.token_hex(3)}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_app(database_url: str, instance: Path, secret: str):
    from courseware import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": str(instance), "SECRET_KEY": secret,
                       "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False, "BASE_URL": BASE_URL,
                       "TRUSTED_HOSTS": ["127.0.0.1", "localhost"]})  # the test client asks for localhost


def populate(database_url: str, instance: Path, learners: int, secret: str, writers: int) -> tuple:
    """Schema, demo population, per-page query counts and signed-in writers, in this process.
    Returns (sample, counts, seconds, write plan or None)."""
    from courseware.core.site import current_site
    from courseware.courses.content import get_course
    from courseware.demo import generate
    from courseware.demo.pages import count_page_queries, pick_sample
    from courseware.extensions import db

    app = bench_app(database_url, instance, secret)
    logging.getLogger("courseware.requests").setLevel(logging.WARNING)   # one line per request in-process
    with app.app_context():
        db.create_all()
        started = time.monotonic()
        summary = generate(current_site(), get_course(), learners, seed=1)
        seconds = time.monotonic() - started
        sample = pick_sample()
    counts = count_page_queries(app, sample)
    plan = None
    if writers:
        from writes import prepare

        app.config["WTF_CSRF_ENABLED"] = True
        plan = prepare(app, sample, writers, USER_AGENT)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    print(f"  {summary.learners} learners, {summary.posts} posts in {summary.threads} threads, "
          f"{summary.submissions} submissions, {summary.certificates} certificates: {seconds:.0f} s", flush=True)
    return sample, counts, seconds, plan


# Serving and measuring -----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(app_spec: str, env: dict[str, str], workers: int, log: Path, cwd: Path = ROOT):
    port = free_port()
    with open(log, "ab") as out:
        process = subprocess.Popen([str(GUNICORN), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
                                    app_spec], cwd=cwd, env=env, stdout=out, stderr=out)
        try:
            deadline = time.monotonic() + 60
            while request(port, "GET", "/")[0] is None:
                if process.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"gunicorn did not start; see {log}")
                time.sleep(0.2)
            yield port
        finally:
            process.terminate()
            process.wait(timeout=30)


def request(port: int, method: str, path: str, cookie: str = "", form: dict | None = None):
    """(status, headers, body) of one request, or (None, {}, b"") when nothing answers."""
    headers = {"User-Agent": USER_AGENT}
    if cookie:
        headers["Cookie"] = cookie
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    except OSError:
        return None, [], b""
    finally:
        conn.close()


def _cookies(headers, jar: dict[str, str]) -> str:
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key.strip()] = rest.split(";", 1)[0]
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def sign_in(port: int, email: str, password: str) -> str:
    """Sign in through the real form (with its CSRF token); returns the Cookie header to send."""
    jar: dict[str, str] = {}
    status, headers, body = request(port, "GET", "/login")
    cookie = _cookies(headers, jar)
    token = CSRF_RE.search(body.decode()).group(1)
    status, headers, _ = request(port, "POST", "/login", cookie,
                                 {"email": email, "password": password, "csrf_token": token})
    if status != 302:
        sys.exit(f"could not sign in {email} (answer {status})")
    cookie = _cookies(headers, jar)
    # Follow the redirect as a browser would: it shows (and so consumes) the "Signed in as"
    # message, leaving the session cookie every later request of a real visitor carries.
    status, headers, _ = request(port, "GET", headers_location(headers), cookie)
    return _cookies(headers, jar)


def headers_location(headers) -> str:
    location = next(value for name, value in headers if name.lower() == "location")
    return urllib.parse.urlsplit(location).path or "/"


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def form_body(port: int, page, cookie: str) -> tuple[str, str]:
    """A POST page's body, with a CSRF token from the page that shows its form, and the cookie to send it
    with. Without the form's one-time token, every request stores a new self-check attempt."""
    jar = dict(part.split("=", 1) for part in cookie.split("; ") if "=" in part)
    status, headers, body = request(port, "GET", page.form_page, cookie)
    if status != 200:
        sys.exit(f"{page.form_page} answered {status}")
    cookie = _cookies(headers, jar)
    token = CSRF_RE.search(body.decode()).group(1)
    return urllib.parse.urlencode({**page.form, "csrf_token": token}, doseq=True), cookie


def wrk(binary: str, port: int, path: str, cookie: str, seconds: int, post: str | None = None,
        folder: Path | None = None) -> dict:
    command = [binary, "-t2", "-c16", f"-d{seconds}s", "--latency", "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if post is not None:
        # An URL-encoded body holds no quote or backslash, so it sits in a Lua string as it is.
        script = folder / "post.lua"
        script.write_text(f'wrk.method = "POST"\nwrk.body = "{post}"\n'
                          'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n')
        command += ["-s", str(script)]
    output = subprocess.run(command + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                            check=True).stdout

    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M).groups()
        return float(value) * UNITS[unit]

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "p50": latency("50"), "p99": latency("99"), "non2xx": int(bad.group(1)) if bad else 0,
            "timeouts": int(errors.group(4)) if errors else 0}


def median_round(rounds: list[dict]) -> dict:
    """The median of each figure over the rounds (failures summed)."""
    middle = {key: statistics.median(r[key] for r in rounds) for key in ("rps", "p50", "p99")}
    return {**middle, "non2xx": sum(r["non2xx"] for r in rounds), "timeouts": sum(r["timeouts"] for r in rounds),
            "rounds": [r["rps"] for r in rounds]}


def measure(wrk_binary: str, port: int, path: str, cookie: str, seconds: int, rounds: int,
            post: str | None = None, folder: Path | None = None) -> dict:
    """The median of `rounds` wrk runs on one page (a POST of the URL-encoded `post` when given)."""
    form = urllib.parse.parse_qs(post) if post is not None else None
    for _ in range(20):        # warm every worker's caches and connection pool
        request(port, "GET" if post is None else "POST", path, cookie, form)
    return median_round([wrk(wrk_binary, port, path, cookie, seconds, post, folder) for _ in range(rounds)])


def measure_pages(wrk_binary: str, database_url: str, sample, folder: Path, args, secret: str,
                  plan=None) -> tuple[dict, dict]:
    """The pages (and with a write plan: the floors and the write paths). Returns (pages, extras)."""
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY=secret,
               INSTANCE_PATH=str(folder / "instance"), SESSION_COOKIE_SECURE="0", RATELIMIT_STORAGE_URI="memory://",
               BASE_URL=BASE_URL)
    env.pop("FLASK_DEBUG", None)
    results, extras = {}, {}
    with gunicorn("app:app", env, args.workers, folder / "gunicorn.log") as port:
        cookies = {"learner": sign_in(port, sample.learner_email, sample.password),
                   "tutor": sign_in(port, sample.tutor_email, sample.password)}
        for page in sample.pages:
            cookie, post = cookies[page.who], None
            if page.form is not None:
                post, cookie = form_body(port, page, cookie)
            method = "GET" if post is None else "POST"
            status, _, body = request(port, method, page.path, cookie,
                                      urllib.parse.parse_qs(post) if post is not None else None)
            if status != 200:
                sys.exit(f"{page.path} answered {status} before measuring")
            results[page.name] = measure(wrk_binary, port, page.path, cookie, args.duration, args.rounds, post, folder)
            results[page.name]["bytes"] = len(body)
            if page.name == "unit page":
                extras["unit page bytes"] = body
            print(f"  {page.name:18} {results[page.name]['rps']:8.1f} req/s  p99 {results[page.name]['p99']:.1f} ms "
                  f"(rounds: {', '.join(f'{r:.0f}' for r in results[page.name]['rounds'])})", flush=True)
        if plan is not None:
            (folder / "floor.html").write_bytes(extras["unit page bytes"])
            floor_env = dict(env, BENCH_FLOOR_PAGE=str(folder / "floor.html"))
            for name, spec, path, cookie in (("floor", "floor:app", "/", ""),
                                             ("authenticated floor", "floor:auth_app", "/", cookies["learner"]),
                                             ("layout floor", "floor:layout_app()", "/_bench/layout",
                                              cookies["learner"])):
                with gunicorn(spec, floor_env, args.workers, folder / "floor.log", cwd=ROOT / "bench") as floor_port:
                    status, _, body = request(floor_port, "GET", path, cookie)
                    if status != 200 or (path == "/" and body != extras["unit page bytes"]):
                        sys.exit(f"the {name} answered {status} instead of the page")
                    extras[name] = measure(wrk_binary, floor_port, path, cookie, args.duration, args.rounds)
                    extras[name]["bytes"] = len(body)
                print(f"  {name:18} {extras[name]['rps']:8.1f} req/s  p99 {extras[name]['p99']:.1f} ms", flush=True)
            from writes import reply_jobs, run, submission_jobs

            extras["reply"] = run(request, port, reply_jobs(plan, 2 * len(plan.writers)))
            extras["submission"] = run(request, port, submission_jobs(plan))
    return results, extras


def write_counts(database_url: str, folder: Path, secret: str, plan, extras: dict) -> None:
    from writes import count_stored

    app = bench_app(database_url, folder / "instance", secret)
    extras["reply"]["stored"], extras["submission"]["stored"] = count_stored(app, plan)
    with app.app_context():
        from courseware.extensions import db
        db.engine.dispose()
    for kind in ("reply", "submission"):
        w = extras[kind]
        print(f"  {kind:18} {w['rps']:8.1f} writes/s  acknowledged {w['acknowledged']}, stored {w['stored']}, "
              f"refused {w['refused']} {w['refusals']}", flush=True)


# Report -----------------------------------------------------------------------------------------

def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else "?"
    memory = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0) if Path("/proc/meminfo").exists() else 0
    return f"{os.cpu_count()} CPUs ({cpu}), {memory} GiB memory, Python {platform.python_version()}"


TARGETS = {   # the targets at the large population: share of the bare floor
    "unit page": 0.50, "module list": 0.50, "forum thread list": 0.25, "thread page": 0.20, "tutor queue": 0.20,
    "certificate page": 0.30, "self-check answer": 0.15,
}


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"


def report(args, backend: str, small: dict, large: dict, extras: dict, counts: dict, timings: dict,
           loads: tuple[str, str]) -> str:
    s, n = args.small, args.learners
    floor, auth, layout = extras["floor"], extras["authenticated floor"], extras["layout floor"]
    lines = [f"Benchmark: {backend}, gunicorn {args.workers} sync workers, wrk 2 threads x 16 connections, "
             f"{args.duration} s per page, median of {args.rounds} rounds", f"Machine: {machine()}",
             f"Load average (1, 5, 15 min) at the start: {loads[0]}; at the end: {loads[1]}",
             f"Demo data: {n} learners in {timings[n]:.0f} s, {s} learners in {timings[s]:.0f} s", "",
             f"Framework floor (bare Flask, {floor['bytes']} bytes): {floor['rps']:.0f} req/s, "
             f"p50 {floor['p50']:.1f} ms, p99 {floor['p99']:.1f} ms",
             f"Authenticated floor (+ session cookie, Flask-Login, session lookup): {auth['rps']:.0f} req/s "
             f"({auth['rps'] / floor['rps']:.2f} of the bare floor), p50 {auth['p50']:.1f} ms, p99 {auth['p99']:.1f} ms",
             f"Layout floor (the course app, signed in, its base layout around an empty page, {layout['bytes']} bytes): "
             f"{layout['rps']:.0f} req/s ({layout['rps'] / floor['rps']:.2f} of the bare floor), p50 {layout['p50']:.1f} ms, "
             f"p99 {layout['p99']:.1f} ms",
             ""]
    head = (f"{'page':18} {'req/s':>7} {'x floor':>7} {'x auth':>6} {'x layout':>8} {'p50 ms':>7} {'p99 ms':>7} | "
            f"{f'@{s} req/s':>10} {'p99 ms':>7} {'p99 x':>6} | {f'SQL @{s}':>8} {f'SQL @{n}':>9}")
    lines += [head, "-" * len(head)]
    for name, r in large.items():
        r0 = small[name]
        flag = " !" if r["non2xx"] or r0["non2xx"] or r["timeouts"] else ""
        lines.append(f"{name:18} {r['rps']:7.0f} {r['rps'] / floor['rps']:7.2f} {r['rps'] / auth['rps']:6.2f} "
                     f"{r['rps'] / layout['rps']:8.2f} "
                     f"{r['p50']:7.1f} {r['p99']:7.1f} | {r0['rps']:10.0f} {r0['p99']:7.1f} {r['p99'] / r0['p99']:6.2f} | "
                     f"{counts[s][name]:8d} {counts[n][name]:9d}{flag}")
    lines += ["", f"Writes at {n} learners (16 concurrent clients, each waiting for its answer):"]
    for kind, what in (("reply", "posting a reply"), ("submission", "submitting an assignment")):
        w = extras[kind]
        same = "equal" if w["stored"] == w["acknowledged"] else "NOT EQUAL"
        lines.append(f"  {what:25} {w['rps']:6.1f} acknowledged writes/s; acknowledged {w['acknowledged']} of "
                     f"{w['sent']}, in the database afterwards {w['stored']} ({same})"
                     + (f"; refused: {w['refused']} (answers {', '.join(w['refusals'])})" if w["refused"] else ""))
    same = all(counts[s][k] == counts[n][k] for k in counts[n])
    most = max(counts[n].values())
    lines += ["", f"Targets at {n} learners (measured, not asserted):"]
    for name, target in TARGETS.items():
        if name not in large:       # a course without self-checks has no answer page
            continue
        ratio = large[name]["rps"] / floor["rps"]
        lines.append(f"  {name:18} >= {target:.2f} of the floor: {ratio:.2f} {'met' if ratio >= target else 'MISSED'}")
    lines.append(f"  same SQL count at {s} and {n} learners: {'met' if same else 'MISSED'}; at most 6 per page "
                 f"(savepoint statements not counted): {'met' if most <= 6 else 'MISSED'} (most: {most})")
    # The growth targets: the two pages that grew, within 1.2x at 10,000; every page within 1.3x
    # at 100,000.
    limit = 1.3 if n >= 100_000 else 1.2
    for name in (large if n >= 100_000 else ("tutor queue", "forum thread list")):
        ratio = large[name]["p99"] / small[name]["p99"]
        lines.append(f"  {name} p99 at {n} <= {limit}x at {s}: {ratio:.2f}x {'met' if ratio <= limit else 'MISSED'}")
    if any(r["non2xx"] or r["timeouts"] for r in [*large.values(), *small.values()]):
        lines.append("  ! some requests failed (non-2xx answers or timeouts): see the rows marked !")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=10_000,
                        help="the large population (default 10000; 100000 is the documented large size)")
    parser.add_argument("--small", type=int, default=100, help="the small population to compare with (default 100)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""),
                        help="a PostgreSQL URL: benchmark on throwaway databases there instead of SQLite")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page and round (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per page; the table shows the median (default 3)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4, as in production)")
    parser.add_argument("--writers", type=int, default=200, help="learners who post and submit (default 200)")
    args = parser.parse_args()
    wrk_binary = require_wrk()
    backend = "PostgreSQL" if args.database_url else "SQLite"
    results, counts, timings, extras = {}, {}, {}, {}
    started_load = load_average()
    with tempfile.TemporaryDirectory(prefix="courseware-bench-") as tmp:
        for learners in (args.small, args.learners):
            folder = Path(tmp) / str(learners)
            folder.mkdir()
            large = learners == args.learners
            secret = secrets.token_hex(32)
            print(f"== {learners} learners on {backend}", flush=True)
            with fresh_database(args.database_url, folder, str(learners)) as url:
                sample, counts[learners], timings[learners], plan = populate(
                    url, folder / "instance", learners, secret, args.writers if large else 0)
                results[learners], found = measure_pages(wrk_binary, url, sample, folder, args, secret, plan)
                if large:
                    extras = found
                    write_counts(url, folder, secret, plan, extras)
    text = report(args, backend, results[args.small], results[args.learners], extras, counts, timings,
                  (started_load, load_average()))
    print("\n" + text)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.txt").write_text(text + "\n")
    print(f"\nSaved to {out.relative_to(ROOT) / 'latest.txt'}")


if __name__ == "__main__":
    main()
