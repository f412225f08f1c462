"""gunicorn's settings in production: ``gunicorn --config gunicorn.conf.py workshop.wsgi:app``.

WEB_BIND (default 127.0.0.1:5000), WEB_CONCURRENCY (default two workers a CPU, plus one) and
WEB_TIMEOUT (seconds, default 60) change them without editing this file.
"""

import gc
import os


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use, in a container too
    except AttributeError:
        return os.cpu_count() or 1


wsgi_app = "workshop.wsgi:app"
bind = os.environ.get("WEB_BIND", "127.0.0.1:5000").split(",")
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * cpu_count() + 1)
worker_class = "sync"  # a reverse proxy buffers slow clients, so sync workers are enough

# A request still running after `timeout` seconds has its worker restarted (PDFs of a whole event
# take a few seconds; longer work runs as a job). On SIGTERM, requests under way get
# `graceful_timeout` seconds to finish.
timeout = int(os.environ.get("WEB_TIMEOUT") or 60)
graceful_timeout = 30
keepalive = 5

accesslog = "-"  # stdout
errorlog = "-"  # stderr
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

# The workers' heartbeat files in memory rather than on a disk that may stall
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
# gunicorn's control socket has one default path per user, which several servers on one machine
# would fight over
control_socket_disable = True


# The application is loaded once, in the master, before the workers are forked: a worker starts
# serving at once instead of importing everything again (about 1.5 s of CPU each, which a worker
# started or restarted during a rush took from the requests under way), and the workers share
# the loaded code's memory.
preload_app = True


def pre_fork(server, worker):
    """Everything loaded so far lives as long as the process: moved out of the garbage collector's
    sight, it is not walked again by each full collection (180 ms a time, which a worker paid while
    it held the database's write turn and every other request waited behind it), and the
    collector does not write to the shared pages, so a worker does not copy them."""
    gc.freeze()


def post_fork(server, worker):
    """A database connection is never shared with the master: one it opened while loading is
    forgotten (not closed, which would end it for the master too)."""
    from workshop.database import forget_inherited_connections

    forget_inherited_connections(server.app.wsgi())
