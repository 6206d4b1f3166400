"""pyproject's package list and folder mapping: quick checks that say what to fix before a
wheel is built (resources/ and seeds/ ship inside the package, which makes setuptools need every
package named)."""

from __future__ import annotations

from importlib import resources

import curator
from curator.services.samples import sample_listing_paths
from tests.packaging.conftest import PYPROJECT, ROOT, VERSION

SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


def test_every_package_under_src_is_listed() -> None:
    src = ROOT / "src"
    found = {
        ".".join(init.parent.relative_to(src).parts)
        for init in src.rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    listed = set(SETUPTOOLS["packages"])
    assert found <= listed, (
        f"add {sorted(found - listed)} to [tool.setuptools] packages in pyproject.toml"
    )


def test_mapped_folders_are_the_checkout_folders() -> None:
    mapped = SETUPTOOLS["package-dir"]
    assert mapped == {
        "": "src",
        "curator.resources": "resources",
        "curator.sample_listings": "seeds",
    }
    for package, folder in mapped.items():
        assert package == "" or package in SETUPTOOLS["packages"]
        assert (ROOT / folder).is_dir()


def test_this_install_finds_its_resources_and_samples() -> None:
    """The editable install (make's) reads the checkout's folders through the mapping."""
    hicolor = resources.files("curator.resources") / "icons" / "hicolor"
    assert hicolor.is_dir()
    assert [p.name for p in sample_listing_paths()] == sorted(
        p.name for p in (ROOT / "seeds").glob("*.txt")
    )


def test_version_comes_from_the_package_metadata() -> None:
    assert curator.__version__ == VERSION  # stale: reinstall (make does on a pyproject change)
