"""The layer contracts (pyproject.toml [tool.importlinter]) hold for the tree, and do fail on an upward import.

lint-imports runs on a copy of the package's Python files, so the broken copies never touch the tree."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is a dev dependency")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of pyproject.toml and every .py file of src/langso."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(
        ROOT / "src" / "langso",
        tmp_path / "src" / "langso",
        ignore=lambda folder, names: [
            n for n in names if not n.endswith(".py") and not (Path(folder) / n).is_dir()
        ],
    )
    return tmp_path


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own venv's lint-imports, fixed arguments
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_tree_keeps_both_contracts(tree):
    result = _lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_core_importing_a_domain_app_breaks_the_foundation_contract(tree):
    text = tree / "src" / "langso" / "core" / "text.py"
    text.write_text(text.read_text() + "\nfrom langso.registry.models import Resident  # noqa\n")
    result = _lint(tree)
    assert result.returncode != 0
    assert "core imports no domain app BROKEN" in result.stdout
    assert "langso.core.text -> langso.registry.models" in result.stdout


def test_a_lower_app_importing_a_higher_one_breaks_the_layers(tree):
    services = tree / "src" / "langso" / "registry" / "services.py"
    services.write_text(services.read_text() + "\nfrom langso.teams.models import HelpDeskSession  # noqa\n")
    result = _lint(tree)
    assert result.returncode != 0
    assert "Apps import only the apps below them BROKEN" in result.stdout
    assert "langso.registry.services -> langso.teams.models" in result.stdout


def test_an_import_inside_a_function_counts_too(tree):
    """Hiding an import in a function hides it from readers, not from the contract."""
    places = tree / "src" / "langso" / "places" / "selectors.py"
    places.write_text(
        places.read_text()
        + "\n\ndef _probe():\n    from langso.registry import models\n\n    return models\n"
    )
    result = _lint(tree)
    assert result.returncode != 0
    assert "langso.places.selectors -> langso.registry.models" in result.stdout
