"""CPU time per request of the benchmark's pages, in-process, and optionally where it goes (cProfile).

    .venv/bin/python bench/inprocess.py DATABASE_FILE [PAGE ...] [--requests 300] [--learners 10000] [--profile]

Builds a demo population into DATABASE_FILE (SQLite) the first time (10,000 learners: under a minute), signs
in the benchmark's learner and tutor through the Flask test client, and for each page (all the benchmark's
pages, or those named: "unit page", "thread page", ...) prints the mean CPU time of `--requests` requests.
With `--profile`, also cProfile's top functions by cumulative and by own time. The request log lines are
off (logging them is part of what gunicorn measures, not of a page's work).

Used for the "what each change bought" tables in the README: compare a page before and after a change on
the same database, in the same hour (the machine's speed drifts), and keep the database free of earlier
runs' self-check attempts (the answer page stores one per request).
"""
from __future__ import annotations

import argparse
import cProfile
import logging
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
USER_AGENT = "courseware-profile"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", type=Path, help="SQLite file: built with demo data when it does not exist")
    parser.add_argument("pages", nargs="*", help="page names as in the benchmark's table (default: all)")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions for each page")
    args = parser.parse_args()

    from run import bench_app

    fresh = not args.database.exists()
    instance = args.database.parent / f"{args.database.stem}-instance"
    app = bench_app(f"sqlite:///{args.database.resolve()}", instance, "profile-" + "x" * 56)
    logging.getLogger("courseware.requests").setLevel(logging.WARNING)
    from courseware.demo.pages import pick_sample, signed_in_clients
    from courseware.extensions import db

    if fresh:
        from courseware.core.site import current_site
        from courseware.courses.content import get_course
        from courseware.demo import generate

        with app.app_context():
            db.create_all()
            generate(current_site(), get_course(), args.learners, seed=1)
    with app.app_context():
        sample = pick_sample()
    headers = {"User-Agent": USER_AGENT}
    clients = signed_in_clients(app, sample, headers)

    for page in sample.pages:
        if args.pages and page.name not in args.pages:
            continue
        client = clients[page.who]

        def fetch(client=client, page=page):
            if page.form is not None:
                return client.post(page.path, data=page.form, headers=headers)
            return client.get(page.path, headers=headers)

        for _ in range(20):       # warm caches (templates, statements)
            if fetch().status_code != 200:
                sys.exit(f"{page.path} did not answer 200")
        started = time.process_time()
        for _ in range(args.requests):
            fetch()
        print(f"{page.name:20} {(time.process_time() - started) / args.requests * 1000:6.2f} ms CPU per request",
              flush=True)
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                fetch()
            profiler.disable()
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(40)
            stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
