"""The committed currency table equals what scripts/build_currencies.py makes from CLDR.

If the first test fails after a babel upgrade, regenerate the file with
`.venv/bin/python scripts/build_currencies.py` and review the diff.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from collections import Counter

import pytest
from paths import ROOT

TABLE = ROOT / "metrics" / "data" / "currencies.tsv"
SCRIPT = ROOT / "scripts" / "build_currencies.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("build_currencies", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def table() -> dict[str, dict[str, list[str]]]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        rows = (line for line in handle if not line.startswith("#"))
        reader = csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)
        assert reader.fieldnames == ["code", "names", "symbols"]
        return {
            row["code"]: {
                "names": row["names"].split("|") if row["names"] else [],
                "symbols": row["symbols"].split("|") if row["symbols"] else [],
            }
            for row in reader
        }


def test_table_was_built_from_the_installed_babel():
    """CLDR renames currencies between babel releases (2.19: "kyrgystani som" became
    "kyrgyz som"), so the table is only comparable with the release it was built from."""
    build = _load_script()
    built_from = TABLE.read_text(encoding="utf-8").splitlines()[0]
    installed = build.provenance().rstrip("\n")
    assert built_from == installed, (
        f"currencies.tsv says '{built_from}', but this environment has '{installed}': "
        "install the babel release pyproject.toml allows, or, to move to a new one, regenerate "
        "the table with scripts/build_currencies.py, review the diff and update the bound"
    )


def test_committed_table_is_regenerated_output():
    build = _load_script()
    expected = build.render(build.build_rows())
    assert TABLE.read_text(encoding="utf-8") == expected, (
        "metrics/data/currencies.tsv is stale: run .venv/bin/python scripts/build_currencies.py"
    )


def test_codes_are_sorted_unique_iso_codes(table):
    codes = list(table)
    assert codes == sorted(set(codes))
    assert all(re.fullmatch(r"[A-Z]{3}", code) for code in codes)


def test_every_currency_has_a_lower_case_name(table):
    for code, row in table.items():
        assert row["names"], code
        assert all(name == name.lower() and name.strip() == name for name in row["names"]), code


def test_no_symbol_or_name_points_to_two_currencies(table):
    symbols = Counter(symbol for row in table.values() for symbol in row["symbols"])
    names = Counter(name for row in table.values() for name in row["names"])
    assert [s for s, n in symbols.items() if n > 1] == []
    assert [s for s, n in names.items() if n > 1] == []


def test_no_word_like_or_code_symbols(table):
    for code, row in table.items():
        for symbol in row["symbols"]:
            assert symbol.upper() not in table, (code, symbol)
            assert not (len(symbol) == 1 and symbol.isalpha()), (code, symbol)


@pytest.mark.parametrize(
    ("code", "symbol", "name"),
    [
        pytest.param("KZT", "₸", "kazakhstani tenge", id="KZT-tenge"),
        pytest.param("USD", "$", "us dollars", id="USD-dollar"),
        pytest.param("USD", "US$", "us dollar", id="USD-US$"),
        pytest.param("EUR", "€", "euros", id="EUR-euro"),
        pytest.param("GBP", "£", "british pounds", id="GBP-pound"),
        pytest.param("JPY", "¥", "japanese yen", id="JPY-yen"),
        pytest.param("CNY", "CN¥", "chinese yuan", id="CNY-yuan"),
        pytest.param("CAD", "CA$", "canadian dollars", id="CAD"),
        pytest.param("HKD", "HK$", "hong kong dollars", id="HKD"),
        pytest.param("MXN", "MX$", "mexican pesos", id="MXN"),
        pytest.param("RUB", "₽", "russian rubles", id="RUB-local-symbol"),
        pytest.param("AZN", "₼", "azerbaijani manats", id="AZN-local-symbol"),
        pytest.param("GEL", "₾", "georgian lari", id="GEL-local-symbol"),
        pytest.param("ESP", "₧", "spanish pesetas", id="ESP-historic"),
    ],
)
def test_spot_checks(table, code, symbol, name):
    assert symbol in table[code]["symbols"]
    assert name in table[code]["names"]


def test_tenge_is_named_in_words(table):
    assert any(name.endswith("tenge") for name in table["KZT"]["names"])


@pytest.mark.parametrize(
    ("symbol", "code"),
    [("$", "USD"), ("£", "GBP"), ("¥", "JPY")],
    ids=["dollar-sign", "pound-sign", "yen-sign"],
)
def test_shared_symbol_belongs_to_its_english_owner_only(table, symbol, code):
    assert [c for c, row in table.items() if symbol in row["symbols"]] == [code]


def test_kr_is_too_ambiguous_to_keep(table):
    assert not any("kr" in row["symbols"] for row in table.values())


@pytest.mark.parametrize("code", ["FIM", "NLG", "ESP", "FRF", "DEM", "ITL", "BEF"])
def test_euro_legacy_currencies_are_kept(table, code):
    assert code in table


@pytest.mark.parametrize("code", ["KZT", "USD", "EUR", "CHF", "XOF", "RUB", "CNY", "INR"])
def test_current_currencies_are_present(table, code):
    assert code in table


def test_franc_names_cover_the_peer_franc_cases(table):
    francs = {code for code, row in table.items() if any("franc" in n for n in row["names"])}
    assert {"CHF", "FRF", "BEF", "XOF", "XAF"} <= francs
