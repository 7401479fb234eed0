"""The embedded fonts, so every name prints as typed ("Łucja", "Nguyễn", "€"), never as boxes.

reportlab's built-in Helvetica is not embedded and covers Western European letters only ("Ł" and
"ễ" would be lost), so the PDFs embed DejaVu Sans (shipped in resources/fonts with its licence). Registration is global in
reportlab, hence done once under a lock, whichever thread prints first.
"""

from __future__ import annotations

import threading
import unicodedata

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from passdesk import paths
from passdesk.errors import EnvironmentProblem
from passdesk.i18n import _

REGULAR = "PassDesk-Sans"
BOLD = "PassDesk-Sans-Bold"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}

_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Make REGULAR and BOLD usable on any canvas; cheap after the first call."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, filename in _FILES.items():
            path = paths.resource("fonts", filename)
            try:
                pdfmetrics.registerFont(TTFont(name, str(path)))
            except OSError as error:
                raise EnvironmentProblem(
                    _("The font file {path} is missing or damaged: reinstall PassDesk.").format(
                        path=path
                    )
                ) from error
        pdfmetrics.registerFontFamily(
            REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD
        )
        # Binary streams: ASCII85 makes PDFs 25 % bigger and costs time in pure Python, for
        # the sake of 7-bit mail transports nobody prints from any more.
        rl_config.useA85 = 0
        _registered = True


def missing_glyphs(text: str, font: str = REGULAR) -> str:
    """The characters of `text` the font cannot draw (they would print as empty boxes)."""
    register_fonts()
    face = pdfmetrics.getFont(font).face
    known = face.charToGlyph
    text = unicodedata.normalize("NFC", text)
    return "".join(dict.fromkeys(ch for ch in text if ord(ch) not in known and ch.isprintable()))
