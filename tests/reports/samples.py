"""Consultations and images made for the PDF tests (and for looking at the pages).

``stress_document`` is the hardest case we know: a long Greek name with markup
characters, every concern, overrides, signatures and 20,000 characters of notes made
of numbered tokens, so a test can prove that every one of them reached the paper, in
order.
"""

from __future__ import annotations

import base64
import math
import struct
import zlib

from mesodesk.domain.document import MAX_NOTES

GREEK_NAME = "Αικατερίνη-Ευαγγελία Παπαδοπούλου-Χατζηγεωργίου"
MARKUP_NAME = f"{GREEK_NAME} Smith & <Jones> <font size=40>"
BIG_FONT_MARKUP = "<font size=40>"


def png(width: int, height: int, pixel) -> bytes:
    """A PNG (8-bit RGBA) whose pixels come from ``pixel(x, y) -> (r, g, b, a)``."""
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width))
                    for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def signature_png(seed: float = 0.0) -> bytes:
    """A pen stroke (a damped wave) on a transparent background, like a signature pad's."""
    width, height = 240, 80

    def pixel(x: int, y: int) -> tuple[int, int, int, int]:
        centre = height / 2 + 22 * math.sin(x / 17 + seed) * math.exp(-x / 300)
        return (20, 30, 90, 255) if abs(y - centre) < 2.2 else (255, 255, 255, 0)

    return png(width, height, pixel)


def logo_png() -> bytes:
    """A teal badge with a white bar: wide, like most clinic logos."""
    def pixel(x: int, y: int) -> tuple[int, int, int, int]:
        if 18 <= y <= 22 and 20 <= x <= 140:
            return (255, 255, 255, 255)
        return (29, 92, 99, 255)

    return png(160, 40, pixel)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


LONG_WORD = "0123456789" * 40  # 400 characters without a space: wider than any page


def token_notes(length: int = MAX_NOTES) -> tuple[str, list[str]]:
    """Notes of exactly ``length`` characters made of numbered tokens, in paragraphs,
    with markup characters, line breaks and one word far wider than the page; returns
    the text and its tokens."""
    length -= len(LONG_WORD) + 2
    tokens: list[str] = []
    parts: list[str] = []
    number = 0
    size = 0
    while True:
        number += 1
        token = f"n{number:05d}"
        separator = "\n\n" if number % 40 == 0 else ("\n" if number % 13 == 0 else " ")
        piece = token + (" & <b>" if number % 25 == 0 else "") + separator
        if size + len(piece) > length:
            break
        tokens.append(token)
        parts.append(piece)
        size += len(piece)
    text = "".join(parts)
    text += "x" * (length - len(text))  # fills it up exactly
    half = text.index("\n\n", len(text) // 2) + 2
    text = text[:half] + LONG_WORD + "\n\n" + text[half:]
    return text, tokens


def stress_document() -> dict:
    notes, _tokens = token_notes()
    return {
        "format": "mesodesk.consultation/1",
        "date": "2026-11-20",
        "patient": {"name": MARKUP_NAME, "date_of_birth": "1984-02-29", "sex": "female"},
        "practitioner": {"name": "Dr Maria Ioannou & <Partners>", "registration": "12345"},
        "concerns": ["cellulite", "localized-fat", "skin-rejuvenation", "hair-loss"],
        "areas": ["thighs & <b>buttocks</b>", "abdomen", "face", "scalp (crown)"],
        "history": ["anticoagulants", "allergy-soy", "cardiac-arrhythmia"],
        "history_notes": "Takes apixaban 5 mg twice daily.\nAtrial fibrillation since 2019 & <stable>.",
        "lifestyle": ["smoking", "sun-exposure", "physical-inactivity", "atmospheric-pollution"],
        "substances": ["l-carnitine", "caffeine", "isoproterenol", "rutin", "artichoke-extract",
                       "lidocaine", "deoxycholic-acid", "hyaluronic-acid-non-cross-linked",
                       "multivitamins", "prp"],
        "overrides": [{"substance": "isoproterenol", "history": "cardiac-arrhythmia",
                       "reason": "Cardiologist agreed in writing <letter of 2026-11-02> & dose halved."}],
        "courses": [{"concern": "cellulite", "sessions": 15, "interval_days": 7,
                     "start_date": "2026-11-27"}],
        "photo_consent": True,
        "notes": notes,
        "language": "en",
        "signatures": {"patient": b64(signature_png(0.0)), "practitioner": b64(signature_png(1.7)),
                       "signed_at": "2026-11-20T11:42:00"},
    }
