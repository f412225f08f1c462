"""Serving in production: the Python it needs, static files."""

import re

import pytest

from workshop import require_python
from workshop.static_files import content_digest


def test_python_older_than_3_12_is_refused_with_the_reason():
    with pytest.raises(RuntimeError, match=r"needs Python 3\.12 or newer; this is Python 3\.11\.7\. Under load, CPython 3\.11\.7 crashed"):
        require_python((3, 11, 7, "final", 0))
    require_python((3, 12, 0, "final", 0))


def test_static_files_are_kept_by_browsers_for_a_year_under_an_address_that_changes_with_them(client):
    page = client.get("/").get_data(as_text=True)
    link = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.css\?v=[0-9a-f]{12})"', page)
    assert link, "the stylesheet's link carries a digest of its content"

    response = client.get(link.group(1))
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/css")
    assert "max-age=31536000" in response.headers["Cache-Control"]
    response.close()


def test_a_changed_static_file_gets_a_new_address(tmp_path):
    stylesheet = tmp_path / "app.css"
    stylesheet.write_text("body { color: black; }")
    before = content_digest(stylesheet)
    stylesheet.write_text("body { color: navy; }")
    assert content_digest(stylesheet) != before
