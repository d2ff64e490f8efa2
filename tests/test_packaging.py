"""The installed package: one import name, `minutes`, holding every folder of code and data."""
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_package_folder_is_installed_under_minutes():
    folders = {name: ROOT / path for name, path in CONFIG["package-dir"].items()}
    found = set()
    for name, folder in folders.items():
        for init in folder.rglob("__init__.py"):
            rel = init.parent.relative_to(folder)
            found.add(".".join((name, *rel.parts)) if rel.parts else name)
    listed = set(CONFIG["packages"])
    assert found <= listed, f"packages missing from pyproject.toml: {sorted(found - listed)}"
    assert all(p == "minutes" or p.startswith("minutes.") for p in listed)


def test_the_data_folders_are_installed_with_their_files():
    data = CONFIG["package-data"]
    for package, patterns in data.items():
        folder = ROOT / CONFIG["package-dir"].get(package, package.replace(".", "/"))
        for pattern in patterns:
            assert list(folder.glob(pattern)), f"{package}: nothing matches {pattern}"
