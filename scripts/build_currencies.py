"""Build metrics/data/currencies.tsv, the ISO 4217 currency table, from CLDR via babel.

Nothing in the table is typed by hand: every row comes from the CLDR data that ships
with babel (`babel.core.get_global("territory_currencies")`, the locale currency names
and symbols). Regenerate after upgrading babel, and commit the result:

    .venv/bin/python scripts/build_currencies.py

`tests/lexicon/test_currency_data.py` rebuilds the table in memory and fails if the committed
file differs, so the file cannot drift from the code and the CLDR version. The first line
records the babel and CLDR versions the table was built from; pyproject.toml bounds babel
to that release line, and the test names both versions when the installed one differs.

Which currencies:

* current: legal tender today in at least one territory, i.e. a `tender` entry of
  CLDR's territory currency history with no end date;
* historic, kept because news still names them ("420 million Finnish markka", "6.65
  billion pesetas"): the national currencies the euro replaced, i.e. every tender
  currency of a territory that uses the euro today whose use ended on or after the
  euro's start date there (ATS, BEF, DEM, ESP, FIM, FRF, GRD, HRK, IEP, ITL, NLG,
  PTE, ...). Other withdrawn currencies are left out.

Layout: one `# ...` provenance line, then tab-separated columns with one header line,
rows sorted by code:

* `code`: the ISO 4217 code;
* `names`: `|`-joined lower-case English names: the display name, then the singular
  and plural unit names (`us dollar|us dollars`), without repeats;
* `symbols`: `|`-joined symbols: the English-locale symbol first (`$`, `CA$`, `€`),
  then the symbols of the locales of the territories that use (or, for the historic
  ones, used) the currency (`₸` from `kk_KZ`, `₽` from `ru_RU`), sorted. Left out:
  a symbol that is just an ISO code; a one-letter symbol (`R`, `K`, `ر`); a local
  symbol made only of ASCII letters and dots (`kr`, `KM`, `FC`, `den`, `Le`), since
  those read as ordinary words and abbreviations (the `names` column covers the
  currency in words); invisible format characters. A symbol shared by several
  currencies (`$`, `£`, `¥`, `Rs`) is kept only for the currency whose
  English-locale symbol it is (`$` -> USD, `£` -> GBP, `¥` -> JPY) and dropped
  everywhere if there is none (`kr`, `Br`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import babel
from babel import Locale
from babel.core import get_cldr_version, get_global
from babel.localedata import locale_identifiers
from babel.numbers import get_currency_name

OUTPUT = Path(__file__).resolve().parent.parent / "metrics" / "data" / "currencies.tsv"
HEADER = ("code", "names", "symbols")
ENGLISH = Locale.parse("en")

_ascii_word = re.compile(r"[A-Za-z.]+").fullmatch


def current_currencies() -> dict[str, set[str]]:
    """ISO code -> territories where it is legal tender today (CLDR: no end date)."""
    found: dict[str, set[str]] = defaultdict(set)
    for territory, history in get_global("territory_currencies").items():
        for code, _start, end, tender in history:
            if tender and end is None:
                found[code].add(territory)
    return found


def euro_legacy_currencies() -> dict[str, set[str]]:
    """ISO code -> euro territories where it was still tender when the euro arrived."""
    found: dict[str, set[str]] = defaultdict(set)
    for territory, history in get_global("territory_currencies").items():
        euro_starts = [start for code, start, end, _ in history if code == "EUR" and end is None]
        if not euro_starts:
            continue
        for code, _start, end, tender in history:
            if tender and end is not None and end >= euro_starts[0]:
                found[code].add(territory)
    return found


def territory_locales() -> dict[str, list[str]]:
    """Territory -> identifiers of the CLDR locales written for it (`kk_KZ`, `ru_KZ`)."""
    found: dict[str, list[str]] = defaultdict(list)
    for identifier in sorted(locale_identifiers()):
        territory = Locale.parse(identifier).territory
        if territory:
            found[territory].append(identifier)
    return found


def english_names(code: str) -> list[str]:
    """Lower-case display, singular and plural English names, in that order, no repeats."""
    names = (
        get_currency_name(code, locale="en"),
        get_currency_name(code, count=1, locale="en"),
        get_currency_name(code, count=2, locale="en"),
    )
    return list(dict.fromkeys(name.lower() for name in names))


def _clean(symbol: str | None) -> str:
    """Drop invisible format characters (bidi marks, zero-width space) and outer blanks."""
    if not symbol:
        return ""
    return "".join(ch for ch in symbol if unicodedata.category(ch) != "Cf").strip()


def _is_symbol(symbol: str, codes: set[str]) -> bool:
    """False for an empty string, an ISO code or a single letter (`R`, `K`, `ر`)."""
    single_letter = len(symbol) == 1 and symbol.isalpha()
    return bool(symbol) and not single_letter and symbol.upper() not in codes


def english_symbol(code: str, codes: set[str]) -> str:
    """The English-locale symbol, or "" when it is an ISO code or a single letter."""
    symbol = _clean(ENGLISH.currency_symbols.get(code))
    return symbol if _is_symbol(symbol, codes) else ""


def local_symbols(
    code: str, territories: set[str], locales: dict[str, list[str]], codes: set[str]
) -> set[str]:
    """Symbols the locales of `territories` use for `code`, minus word-like ones."""
    found: set[str] = set()
    for territory in territories:
        for identifier in locales.get(territory, ()):
            symbol = _clean(Locale.parse(identifier).currency_symbols.get(code))
            if _is_symbol(symbol, codes) and not _ascii_word(symbol):
                found.add(symbol)
    return found


def build_rows() -> list[tuple[str, str, str]]:
    """The table rows `(code, names, symbols)`, sorted by code."""
    users = current_currencies()
    for code, territories in euro_legacy_currencies().items():
        users[code] |= territories
    codes = set(users)
    locales = territory_locales()

    english = {code: english_symbol(code, codes) for code in codes}
    candidates = {
        code: (local_symbols(code, users[code], locales, codes) | {english[code]}) - {""}
        for code in codes
    }
    holders: dict[str, set[str]] = defaultdict(set)
    for code, symbols in candidates.items():
        for symbol in symbols:
            holders[symbol].add(code)

    rows = []
    for code in sorted(codes):
        kept = {
            symbol
            for symbol in candidates[code]
            if len(holders[symbol]) == 1 or english[code] == symbol
        }
        ordered = [english[code]] if english[code] else []
        ordered += sorted(kept - {english[code]})
        rows.append((code, "|".join(english_names(code)), "|".join(ordered)))
    return rows


def provenance() -> str:
    """The table's first line: which babel and CLDR data it was built from."""
    return (
        f"# built by scripts/build_currencies.py from babel {babel.__version__} "
        f"(CLDR {get_cldr_version()})\n"
    )


def render(rows: list[tuple[str, str, str]]) -> str:
    """The TSV text: the provenance line, a header line, then one line per row."""
    for row in rows:
        if any(ch in cell for cell in row for ch in "\t\n") or "|" in row[0]:
            raise ValueError(f"cell with a tab or newline in {row!r}")
    return provenance() + "".join("\t".join(row) + "\n" for row in [HEADER, *rows])


def main() -> None:
    rows = build_rows()
    OUTPUT.write_text(render(rows), encoding="utf-8")
    print(f"wrote {len(rows)} currencies to {OUTPUT}")


if __name__ == "__main__":
    main()
