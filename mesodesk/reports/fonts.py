"""The embedded font: DejaVu Sans from ``resources/fonts`` (Greek and accented Latin).

reportlab's built-in Helvetica has no Greek, so every piece of text uses this
family. The files ship with mesodesk; nothing is looked up on the system or
downloaded. Registration happens once per process.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from mesodesk.paths import resource_dir
from mesodesk.reports.errors import ReportError

FAMILY = "DejaVuSans"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
BOLD_ITALIC = "DejaVuSans-BoldOblique"

FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}


def fonts_dir() -> Path:
    return resource_dir("fonts")


def register_fonts() -> None:
    """Register the four faces and map ``<b>``/``<i>`` in Paragraph markup to them."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    if all(name in registered for name in FILES):
        return
    for name, file_name in FILES.items():
        path = fonts_dir() / file_name
        try:
            pdfmetrics.registerFont(TTFont(name, str(path)))
        except (OSError, TTFError) as error:
            raise ReportError(f"the font {path} cannot be loaded ({error}); "
                              "reinstall mesodesk") from None
    pdfmetrics.registerFontFamily(FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC,
                                  boldItalic=BOLD_ITALIC)
    for bold, italic, name in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, ITALIC), (1, 1, BOLD_ITALIC)):
        addMapping(FAMILY, bold, italic, name)
