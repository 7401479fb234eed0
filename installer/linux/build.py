"""`make installer` on Linux: the frozen bundle, then the tar.gz an IT contact unpacks.

    .venv/bin/python installer/linux/build.py [--force]

1. PyInstaller builds dist/passdesk/ from installer/passdesk.spec (skipped when the bundle is
   newer than every file it is made of; --force rebuilds).
2. dist/passdesk-VERSION-linux-x86_64.tar.gz holds that folder, the .desktop file, the icons in
   the hicolor theme's layout and install.sh, which installs for one user (default) or, with
   --system as root, for everyone.

An AppImage is not made: its runtime and appimagetool come only as downloads from GitHub, not
from PyPI or Debian, and this build must work offline (see the README).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "installer" / "passdesk.spec"
DIST = ROOT / "dist"
BUNDLE = DIST / "passdesk"
STAMP = BUNDLE / ".built-from"
HERE = Path(__file__).resolve().parent
# What the bundle is made of: a newer file here means the bundle is stale.
SOURCES = (
    "passdesk",
    "resources",
    "installer/passdesk.spec",
    "installer/launchers",
    "installer/linux/icu_data.py",
    "pyproject.toml",
)


def version() -> str:
    namespace: dict[str, str] = {}
    exec((ROOT / "passdesk" / "__init__.py").read_text(encoding="utf-8"), namespace)
    return namespace["__version__"]


def newest_source() -> float:
    newest = 0.0
    for name in SOURCES:
        path = ROOT / name
        files = [path] if path.is_file() else path.rglob("*")
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                newest = max(newest, file.stat().st_mtime)
    return newest


def bundle_is_current() -> bool:
    return STAMP.is_file() and STAMP.stat().st_mtime >= newest_source()


def pyinstaller(
    spec: Path, distpath: Path, workpath: Path, env: dict[str, str] | None = None
) -> float:
    """Run PyInstaller on `spec`; returns the seconds it took."""
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(distpath),
            "--workpath",
            str(workpath),
            str(spec),
        ],
        cwd=ROOT,
        check=True,
        env=env,
    )
    return time.perf_counter() - started


def build_bundle(force: bool) -> None:
    if not force and bundle_is_current():
        print(f"{BUNDLE.relative_to(ROOT)} is up to date")
        return
    seconds = pyinstaller(SPEC, DIST, ROOT / "build" / "pyinstaller")
    STAMP.write_text(f"built in {seconds:.0f} s\n")
    print(f"{BUNDLE.relative_to(ROOT)} built in {seconds:.0f} s")


def package() -> Path:
    """The tar.gz: passdesk-VERSION/{passdesk/, share/, install.sh, README.txt}."""
    name = f"passdesk-{version()}"
    archive = DIST / f"{name}-linux-{platform.machine()}.tar.gz"
    staging = ROOT / "build" / "package" / name
    shutil.rmtree(staging.parent, ignore_errors=True)
    staging.mkdir(parents=True)
    shutil.copytree(
        BUNDLE, staging / "passdesk", symlinks=True, ignore=shutil.ignore_patterns(".built-from")
    )
    applications = staging / "share" / "applications"
    applications.mkdir(parents=True)
    shutil.copy2(HERE / "passdesk.desktop", applications / "passdesk.desktop")
    icons = ROOT / "resources" / "icons"
    for png in sorted(icons.glob("passdesk-*.png")):
        size = png.stem.split("-")[1]
        folder = staging / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True)
        shutil.copy2(png, folder / "passdesk.png")
    scalable = staging / "share" / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copy2(icons / "passdesk.svg", scalable / "passdesk.svg")
    for script in ("install.sh", "README.txt"):
        shutil.copy2(HERE / script, staging / script)
    os.chmod(staging / "install.sh", 0o755)
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(staging, arcname=name)
    print(f"{archive.relative_to(ROOT)}: {archive.stat().st_size / 1e6:.1f} MB")
    return archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    parser.add_argument("--bundle-only", action="store_true", help="no tar.gz")
    args = parser.parse_args(argv)
    build_bundle(args.force)
    if not args.bundle_only:
        package()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
