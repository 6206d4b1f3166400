"""The Linux desktop entry and AppStream metainfo: checked by the validators desktops and
software centres use (installed by `make test`: scripts/ensure-desktop-tools.sh), installed the
way packaging/README.md says, and kept in step with pyproject and the screenshots."""

from __future__ import annotations

import configparser
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from curator.ui.icons import APP_ID, ICON_SIZES
from tests.packaging.conftest import ROOT, VERSION

LINUX = ROOT / "packaging" / "linux"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
INSTALL = LINUX / "install-desktop-entry.sh"
SCREENSHOTS = "https://raw.githubusercontent.com/curator/curator/main/"


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is missing: run scripts/ensure-desktop-tools.sh (make test does)"
    return found


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=600, check=False
    )


def _appstream_clean(done: subprocess.CompletedProcess[str]) -> None:
    """Exit 0 and no error or warning; infos and pedantic notes are allowed (appstream 0.16
    does not know <developer> yet, which 1.0 asks for instead of <developer_name>)."""
    assert done.returncode == 0, done.stdout + done.stderr
    problems = [line for line in done.stdout.splitlines() if line.strip().startswith(("E:", "W:"))]
    assert not problems, done.stdout


def _entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_validates() -> None:
    done = _run(_tool("desktop-file-validate"), DESKTOP)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_metainfo_validates() -> None:
    _appstream_clean(_run(_tool("appstreamcli"), "validate", "--no-net", METAINFO))


def test_desktop_entry_and_metainfo_name_the_same_app() -> None:
    entry = _entry(DESKTOP)
    assert entry["Icon"] == APP_ID
    assert entry["Exec"].split()[0] == "curator-gui"
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("icon") == APP_ID
    binaries = {b.text for b in root.iter("binary")}
    assert binaries == {"curator", "curator-gui"}  # pyproject's [project.scripts]


def test_metainfo_newest_release_is_the_pyproject_version() -> None:
    releases = ET.parse(METAINFO).getroot().findall("releases/release")
    assert releases, "the metainfo lists no release"
    assert releases[0].get("version") == VERSION, "add a <release> for the new version"
    assert releases[0].find("description") is not None


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_metainfo_screenshots_are_the_repository_screenshots() -> None:
    images = list(ET.parse(METAINFO).getroot().iter("image"))
    assert images
    for image in images:
        url = (image.text or "").strip()
        assert url.startswith(SCREENSHOTS), url
        local = ROOT / url.removeprefix(SCREENSHOTS)
        assert local.is_file(), f"{url}: no such file in the repository"
        assert _png_size(local) == (int(image.get("width", 0)), int(image.get("height", 0)))


@pytest.mark.parametrize("exe", ["", "/opt/curator apps/curator-gui"])
def test_installed_desktop_entry_validates_as_a_tree(tmp_path: Path, exe: str) -> None:
    prefix = tmp_path / "usr"
    args = ["sh", INSTALL, "--prefix", prefix] + (["--exec", exe] if exe else [])
    done = _run(*args)
    assert done.returncode == 0, done.stderr
    share = prefix / "share"
    installed = share / "applications" / DESKTOP.name
    done = _run(_tool("desktop-file-validate"), installed)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout
    assert _entry(installed)["TryExec"] == (exe or "curator-gui")
    for size in ICON_SIZES:
        png = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        assert _png_size(png) == (size, size)
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    # the metainfo finds its desktop entry in the tree (validate-tree warns when it does not)
    _appstream_clean(_run(_tool("appstreamcli"), "validate-tree", "--no-net", tmp_path))

    done = _run("sh", INSTALL, "--prefix", prefix, "--uninstall")
    assert done.returncode == 0, done.stderr
    assert not [p for p in share.rglob("*") if p.is_file() and APP_ID in p.name]
