"""Vietnamese text folding for search: 'Long nhãn Hưng Yên' -> 'long nhan hung yen'."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case, strip diacritics, and map đ/Đ to d (Unicode does not decompose đ)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFD", str(text))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", text).strip().lower()
