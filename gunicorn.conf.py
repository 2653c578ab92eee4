"""gunicorn reads this file by itself when started from this folder (`gunicorn app:app`).

/metrics adds up the request counters of every worker through files in one folder (prometheus-client's
multiprocess mode): the folder is emptied here when the server starts, so counts begin at zero and files
of workers from earlier runs do not pile up. It is the folder the app uses: PROMETHEUS_MULTIPROC_DIR, or
`metrics/` in the instance folder (INSTANCE_PATH, default `instance/` beside this file).
"""
import glob
import os


def on_starting(server):
    instance = os.environ.get("INSTANCE_PATH") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "instance")
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.path.join(instance, "metrics")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder   # the workers inherit it
    os.makedirs(folder, mode=0o700, exist_ok=True)
    for path in glob.glob(os.path.join(folder, "*.db")):
        os.remove(path)
