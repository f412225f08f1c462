"""The worker: sends the outbox, runs bulk work and the scheduled jobs.

``python -m workshop.worker`` (``make run`` starts it next to the web server). It reads the same
settings as the web server; with ``REDIS_URL`` several workers on several machines share one queue.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from . import create_app
from .production import ProductionSettingsError, check_production_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workshop.worker", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("WORKSHOP_WORKER_THREADS", "4")),
        help="jobs run at once (default 4)",
    )
    options = parser.parse_args(argv)
    app = create_app()
    try:
        check_production_settings(app)
    except ProductionSettingsError as refusal:
        print(refusal, file=sys.stderr)
        return 2
    if app.config["JOBS_IMMEDIATE"]:
        print("JOBS_IMMEDIATE is set: jobs run in the web process and this worker has nothing to do.", file=sys.stderr)
        return 2
    from .jobs.queue import huey  # configured by create_app

    logging.getLogger("huey").setLevel(logging.INFO)
    consumer = huey.create_consumer(
        workers=options.threads, worker_type="thread", periodic=True, check_worker_health=True
    )
    consumer.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
