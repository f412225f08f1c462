"""Flask commands: ``flask seed-demo``, ``flask create-admin``."""

import click
from flask import Flask

from .accounts.models import User
from .accounts.passwords import password_problem
from .accounts.services import normalise_email
from .extensions import db
from .timeutil import utcnow


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_admin)
    app.cli.add_command(erase_passport_details)
    app.cli.add_command(delete_old_audit_entries)


@click.command("seed-demo")
def seed_demo() -> None:
    """Load the demo events and accounts (once: running it again changes nothing)."""
    from .demo import DEMO_LOGINS, load_demo

    created = load_demo()
    click.echo("Demo data loaded." if created else "Demo data is already there; nothing changed.")
    click.echo("Demo log-ins:")
    for role, email, password in DEMO_LOGINS:
        click.echo(f"  {role:<12} {email:<32} {password}")


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administrator", help="Full name")
@click.password_option()
def create_admin(email: str, name: str, password: str) -> None:
    """Create a platform administrator, or make an existing account one."""
    user = db.session.scalar(db.select(User).where(User.email == normalise_email(email)))
    if user is None:
        problem = password_problem(password)
        if problem:
            raise click.BadParameter(problem, param_hint="password")
        user = User(email=normalise_email(email), full_name=name, email_verified_at=utcnow())
        user.set_password(password)
        db.session.add(user)
    user.is_admin = True
    user.can_create_events = True
    db.session.commit()
    click.echo(f"{user.email} is an administrator.")


@click.command("erase-passport-details")
def erase_passport_details() -> None:
    """Erase the passport details of visa letter requests whose event ended more than PASSPORT_RETENTION_DAYS ago."""
    from .letters.services import erase_expired_passport_details

    click.echo(f"Passport details erased from {erase_expired_passport_details()} visa letter request(s).")


@click.command("delete-old-audit-entries")
def delete_old_audit_entries() -> None:
    """Delete the entries of the activity log older than AUDIT_RETENTION_DAYS (the worker does it daily)."""
    from .audit.retention import delete_expired_entries

    click.echo(f"Entries deleted from the activity log: {delete_expired_entries()}.")
