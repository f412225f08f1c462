"""A production install holds requirements.txt alone: what the application imports must be there, and
the lock files must pin what pyproject.toml asks for."""

import ast
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent

# Modules of the test and benchmark tools, which a production install does not have
TEST_TOOLS = {"pytest", "playwright", "aiosmtpd", "pypdf", "vobject", "requests", "urllib3", "six"}


def pins(lock: str) -> dict[str, str]:
    pinned: dict[str, str] = {}
    for line in (ROOT / lock).read_text().splitlines():
        line = line.strip()
        if line.startswith("-r "):
            pinned |= pins(line.removeprefix("-r ").strip())
        elif line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pinned[canonicalize_name(name)] = version
    return pinned


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def imported_top_level_modules(folder: Path) -> set[str]:
    modules = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules


def test_the_application_imports_no_test_tool():
    assert imported_top_level_modules(ROOT / "workshop") & TEST_TOOLS == set()


def test_requirements_txt_pins_every_runtime_dependency_within_its_range():
    runtime = pins("requirements.txt")
    for line in pyproject()["project"]["dependencies"]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in runtime, f"{requirement.name} is not pinned in requirements.txt"
        pinned = runtime[name]
        assert requirement.specifier.contains(pinned), f"{requirement.name}=={pinned} is not {requirement.specifier}"


def test_requirements_dev_txt_pins_every_test_tool_within_its_range_and_no_test_tool_is_in_production():
    runtime, everything = pins("requirements.txt"), pins("requirements-dev.txt")
    for line in pyproject()["dependency-groups"]["dev"]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in everything, f"{requirement.name} is not pinned in requirements-dev.txt"
        assert name not in runtime, f"{requirement.name} is only for tests and benchmarks, not requirements.txt"
        pinned = everything[name]
        assert requirement.specifier.contains(pinned), f"{requirement.name}=={pinned} is not {requirement.specifier}"
