"""PassDesk's icon files, from the one SVG drawing: PNG at every size desktops ask for, and an ICO.

    .venv/bin/python tools/make_icons.py

The results are committed, so that building the installer needs neither an SVG renderer nor
Pillow: resources/icons/passdesk-N.png (the window's icon, the Linux hicolor theme) and
installer/windows/passdesk.ico (the Windows executable, its shortcuts and the installer).
QtSvg draws the SVG (it is in PySide6 already); Pillow, which reportlab needs anyway, writes the ICO.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "resources" / "icons" / "passdesk.svg"
PNG_FOLDER = ROOT / "resources" / "icons"
ICO = ROOT / "installer" / "windows" / "passdesk.ico"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # 256 is the largest an ICO holds


def render(size: int) -> bytes:
    """The SVG drawn at size x size, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"{SOURCE} is not a valid SVG drawing")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication(sys.argv[:1])
    images = {}
    for size in SIZES:
        png = render(size)
        path = PNG_FOLDER / f"passdesk-{size}.png"
        path.write_bytes(png)
        images[size] = Image.open(io.BytesIO(png)).convert("RGBA")
        print(path.relative_to(ROOT))
    ICO.parent.mkdir(parents=True, exist_ok=True)
    # Each size drawn by the renderer itself, not scaled down from 256 by Pillow (sharper edges).
    largest = images[max(ICO_SIZES)]
    largest.save(
        ICO,
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[images[s] for s in ICO_SIZES if s != max(ICO_SIZES)],
    )
    print(ICO.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
