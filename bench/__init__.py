"""Benchmarks run by ``make bench``.

Seeds a database with published events, serves the application with gunicorn next to a bare
Flask route, loads the public pages from a pool of client threads in this process, and counts
the SQL queries each page needs at two database sizes. Then 200 visitors register at once for
one event with 50 places through the HTTP form (bench/registration.py) and the final counts are
checked: exactly 50 confirmed, 150 on the waiting list at positions 1..150. Last, 10 desks scan
the badges of an event of 1,000 participants through the check-in API, each badge twice
(bench/check_in.py): exactly one attendance row per badge must remain; and the 1,000 badges are
made as one PDF, timed. Every gunicorn run counts the requests that failed (no answer, or neither
2xx nor 3xx) and the workers it lost (its log: killed by a signal, timed out, exited with an
error); the run fails unless both are zero.
"""

# The application's domain packages import one another's views; loaded from the accounts onwards,
# as create_app loads them, they resolve, while bench/agenda.py's first import (the agenda) would
# meet a half-loaded module.
import workshop.accounts.models  # noqa: F401
