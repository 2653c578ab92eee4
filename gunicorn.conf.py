"""gunicorn reads this file by itself when started from this folder (`gunicorn app:app`).

/metrics adds up the request counters of every worker through files in one folder (prometheus-client's
multiprocess mode): when the server starts, the files of processes that are no longer running are
removed here, so counts begin at zero and files of earlier runs' workers do not pile up. It is the folder
the app uses: PROMETHEUS_MULTIPROC_DIR, or `metrics/` in the instance folder (INSTANCE_PATH, default
`instance/` beside this file).
"""
import glob
import os
import re

# No control socket (gunicorn 25+): its default path is one per user, so a second server on the machine
# (another site, a test's server, the benchmark) would take it from the first. Nothing here uses gunicornc.
control_socket_disable = True


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def on_starting(server):
    instance = os.environ.get("INSTANCE_PATH") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "instance")
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.path.join(instance, "metrics")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder   # the workers inherit it
    os.makedirs(folder, mode=0o700, exist_ok=True)
    for path in glob.glob(os.path.join(folder, "*.db")):
        found = re.search(r"_(\d+)\.db$", path)
        if found is None or not _running(int(found.group(1))):
            os.remove(path)
