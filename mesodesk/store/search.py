"""Search keys: how a name, a phone number or a date typed in the search box is matched.

Pure Python (no SQL), shared by the repositories and the migration that back-fills the
keys. A name's key is the same for every spelling a person might type: case-folded,
without accents in any script ("Ελένη" and "ελενη", "José" and "jose"), the Greek final
sigma folded into sigma, apostrophes dropped and hyphens read as spaces. The Latin key is
that key with Greek letters transliterated (ELOT 743), so that a name is found whichever
script it is typed in: "Eleni" finds "Ελένη" and "ελενη" finds "Eleni". Changing these
rules changes stored keys, so it needs a migration that re-keys every patient.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from mesodesk.domain.dates import parse_date_or_none

# Letters that NFKD does not decompose but a person types without the mark.
_LETTERS = str.maketrans({
    "ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i",
    "ħ": "h", "ŧ": "t", "ŀ": "l", "ς": "σ",
})
_DROPPED = str.maketrans("", "", "'’ʼ‘`´")
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.,;:/()\"]+")
_PHONE_CHARS = re.compile(r"^[\d\s+\-.()/]+$")


def search_key(text: str) -> str:
    """The normalized form of a name that the search box matches against."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in folded if not unicodedata.combining(ch))
    stripped = stripped.translate(_LETTERS).translate(_DROPPED)
    # casefold again: NFKD can produce compatibility characters with case (e.g. "Ⅻ").
    return " ".join(_SEPARATORS.split(stripped.casefold())).strip()


# ELOT 743, the Greek standard for Greek in Latin letters (as on Greek passports).
_GREEK_TO_LATIN = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th",
    "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p",
    "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps",
    "ω": "o",
}
_GAMMA_PAIRS = {"γ": "ng", "ξ": "nx", "χ": "nch"}  # γγ, γξ, γχ (γκ is "gk" letter by letter)
# αυ, ευ, ηυ: "v" before a vowel or a voiced consonant, otherwise "f" (Ευαγγελία, Ευθυμίου).
_BEFORE_U = {"α": "a", "ε": "e", "η": "i"}
_VOICED = set("αεηιοωυβγδζλμνρ")
_DIAERESIS = "\u0308"


def _letters(text: str) -> list[tuple[str, bool]]:
    """Each base character of ``text`` with whether it carries a diaeresis (ϊ, ϋ, ΐ),
    which keeps a vowel out of a diphthong (Ταΰγετος: "ay", not "av")."""
    letters: list[tuple[str, bool]] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            if letters and ch == _DIAERESIS:
                letters[-1] = (letters[-1][0], True)
            continue
        letters.append((ch, False))
    return letters


def transliterate(text: str) -> str:
    """Greek letters in ``text`` as ELOT 743 writes them in Latin; other text unchanged
    (accents dropped)."""
    letters = _letters(text.casefold())
    out: list[str] = []
    i = 0
    while i < len(letters):
        ch = letters[i][0]
        after, after_diaeresis = letters[i + 1] if i + 1 < len(letters) else ("", False)
        if after == "υ" and not after_diaeresis and ch in _BEFORE_U:
            following = letters[i + 2][0] if i + 2 < len(letters) else ""
            out.append(_BEFORE_U[ch] + ("v" if following in _VOICED else "f"))
            i += 2
        elif ch == "ο" and after == "υ" and not after_diaeresis:
            out.append("ou")
            i += 2
        elif ch == "γ" and after in _GAMMA_PAIRS:
            out.append(_GAMMA_PAIRS[after])
            i += 2
        else:
            out.append(_GREEK_TO_LATIN.get(ch, ch))
            i += 1
    return "".join(out)


def latin_key(text: str) -> str:
    """The search key of ``text`` in Latin letters (Greek transliterated by ELOT 743)."""
    return search_key(transliterate(text))


def phone_digits(phone: str | None) -> str:
    """The digits of a phone number, in any script (Arabic-Indic digits become 0-9)."""
    if not phone:
        return ""
    return "".join(str(unicodedata.decimal(ch)) for ch in phone if ch.isdecimal())


def parse_date(text: str) -> dt.date | None:
    """A date typed as YYYY-MM-DD, or day first as DD/MM/YYYY, DD.MM.YYYY or DD-MM-YYYY
    (the domain's one date parser); None when the text is not a date."""
    return parse_date_or_none(text)


@dataclass(frozen=True)
class Query:
    """What a search text asks for: name words, and perhaps a date of birth or phone digits."""

    words: tuple[str, ...]  # in Latin letters, matched against each patient's Latin key
    date_of_birth: dt.date | None
    phone: str  # digits; empty when the text does not look like a phone number

    @property
    def empty(self) -> bool:
        return not self.words and self.date_of_birth is None and not self.phone


def parse_query(text: str) -> Query:
    text = (text or "").strip()
    born = parse_date(text)
    digits = ""
    if born is None and _PHONE_CHARS.match(text):
        digits = phone_digits(text)
        if len(digits) < 3:
            digits = ""
    words = tuple(word for word in latin_key(text).split(" ") if word)
    return Query(words=words, date_of_birth=born, phone=digits)
