"""The reference every page is measured against: a bare Flask + Flask-SQLAlchemy view that renders
a Jinja table of 60 rows read from SQLite, served by the same gunicorn in the same run.

``python -m bench`` fills the database once (``fill``) and serves ``serve()``, which reads the
file named by BENCH_REFERENCE_DATABASE."""

import os
from datetime import date, timedelta
from pathlib import Path

from flask import Flask, render_template
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROWS = 60
DATABASE_VARIABLE = "BENCH_REFERENCE_DATABASE"
CITIES = ("Beijing", "Shanghai", "Guangzhou", "Nottingham", "Geneva", "Brussels", "Turin")


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Meeting(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[date]


def create_app(database: Path) -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"
    db.init_app(app)

    @app.get("/")
    def meetings():
        rows = db.session.scalars(db.select(Meeting).order_by(Meeting.starts_on)).all()
        return render_template("reference.html", meetings=rows)

    return app


def serve() -> Flask:
    return create_app(Path(os.environ[DATABASE_VARIABLE]))


def fill(database: Path) -> None:
    app = create_app(database)
    with app.app_context():
        db.create_all()
        first = date(2027, 1, 4)
        db.session.add_all(
            Meeting(
                title=f"Meeting {n + 1} on labour migration",
                city=CITIES[n % len(CITIES)],
                starts_on=first + timedelta(days=n),
            )
            for n in range(ROWS)
        )
        db.session.commit()
        db.engine.dispose()
