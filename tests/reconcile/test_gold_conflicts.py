"""The conflicts ../shared/corpus/README.md says its articles contain, found by the
reconciliation in the corpus's hand-made gold claims (`metrics add-claims gold.jsonl --docs
docs`), each with its verdict: target moved, forecast error, implied values (consistent,
filling a gap, or a part of a year above its whole), a forecaster revising itself, conflict,
mirror statistics, implausible, and figures that agree within their rounding.

The gold is the extractor's ideal output, so these tests check the engine alone: a failure
here is the reconciliation's, not a missed or misread figure. (The README's Kazakhstan-China
trade of 2022 is one figure in the gold, so it has nothing to be compared with here.)
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from paths import CORPUS

from metrics.manual import add_claims
from metrics.store import Store


@pytest.fixture(scope="module")
def gold_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    gold, docs = CORPUS / "gold.jsonl", CORPUS / "docs"
    if not gold.is_file() or not docs.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS} (CI places it beside the checkout)")
    path = tmp_path_factory.mktemp("gold") / "gold.duckdb"
    with Store(path) as store:
        summary = add_claims(store, gold, docs=docs)
    assert summary.errors == []
    return path


def _view(db: Path, name: str, **where: str) -> pd.DataFrame:
    with Store(db, read_only=True) as store:
        return store.view(name, **where)


def _covers(frame: pd.DataFrame, value: float) -> pd.DataFrame:
    """Rows whose interval [low, high] holds `value`."""
    return frame[(frame["low"] <= value) & (value <= frame["high"])]


def test_titr_10mt_target_brought_forward_from_2030_to_2027(gold_db: Path) -> None:
    history = _view(gold_db, "target_history", metric="titr_cargo_volume", entity="TITR")
    moved = history[history["event"] == "deadline_brought_forward"]
    assert len(moved) == 1, history[["event", "value", "deadline"]]
    row = moved.iloc[0]
    assert (row["value"], str(row["previous_deadline"]), str(row["deadline"])) == (
        10_000_000,
        "2030",
        "2027",
    )


def test_titr_2024_forecast_error_against_the_actual(gold_db: Path) -> None:
    errors = _view(gold_db, "forecast_errors", metric="titr_cargo_volume", entity="TITR")
    of_2024 = errors[errors["period"] == "2024"]
    assert not of_2024.empty
    assert set(of_2024["actual_value"]) == {4_500_000}
    assert (of_2024["forecast_value"] == 4_200_000).any()
    assert (of_2024["error"] == -300_000).any()


def test_titr_2024_growth_on_the_2023_base_agrees_with_the_2024_level(gold_db: Path) -> None:
    implied = _view(gold_db, "implied", metric="titr_cargo_volume", entity="TITR")
    checks = implied[(implied["period"] == "2024") & (implied["consistency"] != "fills_gap")]
    assert not checks.empty
    assert set(checks["consistency"]) == {"consistent"}
    assert checks["formula"].str.contains("62").any()


@pytest.mark.parametrize(("period", "level"), [("2022", 1_670_000), ("2021", 920_000)])
def test_titr_earlier_levels_implied_from_2023(gold_db: Path, period: str, level: float) -> None:
    implied = _view(gold_db, "implied", metric="titr_cargo_volume", entity="TITR")
    gaps = implied[(implied["period"] == period) & (implied["consistency"] == "fills_gap")]
    assert not _covers(gaps, level).empty, gaps[["period", "low", "high", "formula"]]


def test_kazakhstan_2024_inflation_outlook_revised_by_its_forecaster(gold_db: Path) -> None:
    revisions = _view(gold_db, "revisions", metric="inflation", entity="Kazakhstan")
    of_2024 = revisions[revisions["period"] == "2024"]
    assert len(of_2024) == 1
    row = of_2024.iloc[0]
    assert (row["originator"], row["old_value"]) == ("National Bank of Kazakhstan", 7.5)
    resolved = _view(gold_db, "resolved", metric="inflation", entity="Kazakhstan", period="2024")
    assert list(resolved["value_text"]) == ["8-9%"]  # the later vintage holds


def test_adb_raises_its_own_caucasus_and_central_asia_forecast(gold_db: Path) -> None:
    revisions = _view(gold_db, "revisions", entity="Caucasus and Central Asia", period="2025")
    assert len(revisions) == 1
    row = revisions.iloc[0]
    assert (row["originator"], row["old_value"], row["new_value"]) == ("ADB", 5.0, 5.5)
    spreads = _view(gold_db, "spreads", entity="Caucasus and Central Asia")
    assert spreads.empty  # one forecaster revising itself is no spread


def test_aktau_port_down_24_against_up_24_is_a_conflict(gold_db: Path) -> None:
    conflicts = _view(gold_db, "conflicts", entity="Aktau port", period="2023-01..2023-07")
    growth = conflicts[conflicts["measure"] == "growth"]
    assert {24, -24} <= set(growth["value"])


def test_btk_ten_months_above_the_whole_year_is_inconsistent(gold_db: Path) -> None:
    implied = _view(gold_db, "implied", entity="Baku-Tbilisi-Kars railway", period="2022")
    wrong = implied[implied["consistency"] == "inconsistent"]
    assert len(wrong) == 1
    assert "540,000" in wrong.iloc[0]["formula"] and "432,284" in wrong.iloc[0]["formula"]


def test_tajikistan_china_trade_is_mirror_statistics(gold_db: Path) -> None:
    mirror = _view(gold_db, "mirror_statistics", entity="Tajikistan-China", period="2024")
    assert sorted(mirror["originator"]) == ["China customs", "Tajikistan statistics agency"]
    assert sorted(mirror["value"]) == [1_960_000_000, 3_800_000_000]
    conflicts = _view(gold_db, "conflicts", entity="Tajikistan-China")
    assert conflicts.empty


def test_uzbekistan_gdp_against_gdp_per_capita_is_implausible(gold_db: Path) -> None:
    implausible = _view(gold_db, "implausible", metric="gdp", entity="Uzbekistan", period="2023")
    assert list(implausible["value"]) == [623_500_000_000]
    assert "2,338" in implausible.iloc[0]["arithmetic"]
    resolved = _view(gold_db, "resolved", metric="gdp", entity="Uzbekistan", period="2023")
    assert set(resolved["state"]) == {"implausible"}  # flagged, not resolved as the value


def test_titr_2024_level_stated_alike_is_no_conflict(gold_db: Path) -> None:
    """Rounding-consistent: "4.5 million tons" in several articles and forms is one figure."""
    resolved = _view(
        gold_db, "resolved", metric="titr_cargo_volume", entity="TITR", period="2024"
    )
    level = resolved[resolved["measure"] == "level"]
    assert len(level) == 1
    row = level.iloc[0]
    assert (row["value"], row["n_claims"] > 1, bool(row["conflict"])) == (4_500_000, True, False)
