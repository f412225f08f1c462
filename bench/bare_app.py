"""The baseline: the smallest Flask application, served by gunicorn exactly like the real one."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello from a bare Flask route."
