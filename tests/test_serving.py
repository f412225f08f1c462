"""Serving in production: the Python it needs."""

import pytest

from workshop import require_python


def test_python_older_than_3_12_is_refused_with_the_reason():
    with pytest.raises(RuntimeError, match=r"needs Python 3\.12 or newer; this is Python 3\.11\.7\. Under load, CPython 3\.11\.7 crashed"):
        require_python((3, 11, 7, "final", 0))
    require_python((3, 12, 0, "final", 0))
