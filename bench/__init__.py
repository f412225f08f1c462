"""Benchmarks run by ``make bench``.

Seeds a database with published events, serves the application with gunicorn next to a bare
Flask route, loads the public pages from a pool of client threads in this process, and counts
the SQL queries each page needs at two database sizes.
"""
