"""gunicorn's settings in production: ``gunicorn --config gunicorn.conf.py workshop.wsgi:app``.

WEB_BIND (default 127.0.0.1:5000), WEB_CONCURRENCY (default two workers a CPU, plus one) and
WEB_TIMEOUT (seconds, default 60) change them without editing this file.
"""

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
