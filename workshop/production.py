"""What a production process (``workshop.wsgi`` under gunicorn, ``workshop.worker``) checks before
it starts: what development may leave out but a public site may not."""

from pathlib import Path

from flask import Flask


class ProductionSettingsError(RuntimeError):
    """The site must not start like this; the message says what to set."""


def check_production_settings(app: Flask) -> None:
    problems = []
    if app.extensions.get("ephemeral_secret_key"):
        instance = Path(app.instance_path)
        problems.append(
            "No secret key is set, so sessions and signed links would end at every restart and differ between workers. "
            "Set one of: the environment variable WORKSHOP_SECRET_KEY; SECRET_KEY in "
            f"{instance / 'config.py'}; or the file {instance / 'secret_key'} "
            f"(python3 -c 'import secrets; print(secrets.token_hex(32))' > {instance / 'secret_key'})."
        )
    if problems:
        raise ProductionSettingsError("The site refuses to start:\n- " + "\n- ".join(problems))
