"""Which form of a noun follows a numeral, where the language has more than one.

Russian numerals govern the noun's case ("1 год", "3 года", "5 лет"); Azerbaijani and Kazakh keep the
noun singular after any numeral; English adds -s. Used by the penalty wording and the digests' counts.
"""
from __future__ import annotations


def russian_form(n: float, forms: tuple[str, ...]) -> str:
    """forms = (1 год, 2 года, 5 лет); fractions take the genitive singular ("1,5 года")."""
    if not float(n).is_integer():
        return forms[1]
    n = int(abs(n))
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


def russian_genitive(n: float, forms: tuple[str, ...]) -> str:
    """After до/от the noun is genitive: "до 1 года", "до 3 лет", "до 21 года"."""
    n_int = int(abs(n)) if float(n).is_integer() else None
    return forms[1] if n_int is None or (n_int % 10 == 1 and n_int % 100 != 11) else forms[2]
