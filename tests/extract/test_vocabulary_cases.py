"""Vocabulary cases: the metric cues and ids of the catalog, count nouns and currencies.

The cases in `tests/cases/vocabulary_cases.yaml` are invented sentences, each with the
complete set of claims it holds, paired and compared exactly as the extraction cases are
(see `test_extract_cases`). They pin the data files, not the grammar: a cue for
"design capacity", a metric id such as `gdp_per_capita`, "train trips" counted as trains,
"36 million soums" read as UZS. A known gap carries `xfail: <reason>` in the YAML (strict).
"""

from __future__ import annotations

from typing import Any

import paths
import pytest
from case_tables import short_rules, with_known_gaps
from test_extract_cases import Case, check_case, load_cases, read_yaml

from metrics.lexicon.catalog import load_catalog
from metrics.vocab import Unit

RAW: dict[str, list[dict[str, Any]]] = read_yaml(paths.CASES / "vocabulary_cases.yaml")
CASES = load_cases(RAW)
XFAIL = {item["id"]: item["xfail"] for items in RAW.values() for item in items if "xfail" in item}
GROUPS_NEEDING_TEN = ("metric_cues", "new_metrics", "count_units", "currencies")


@pytest.mark.parametrize("case", with_known_gaps(CASES, XFAIL, key=lambda c: c.id))
def test_vocabulary_case(case: Case) -> None:
    check_case(case)


def test_every_group_has_ten_phrasings() -> None:
    short = short_rules({group: RAW[group] for group in GROUPS_NEEDING_TEN})
    assert not short, short


def test_claims_use_catalog_metrics_and_claim_units() -> None:
    metrics = {m.id for m in load_catalog().metrics.values()}
    for case in CASES:
        for claim in case.claims:
            assert claim.metric in metrics, (case.id, claim.metric)
            assert claim.unit in set(Unit), (case.id, claim.unit)


def test_second_batch_metric_ids_are_in_the_catalog() -> None:
    """The metric ids shared/corpus/README.md added for the second batch of articles."""
    added = {
        "gdp_per_capita", "gdp_growth_contribution", "gdp_deflator", "sector_gdp_share",
        "public_investment_gdp_share", "budget_revenue", "budget_expenditure", "budget_deficit",
        "budget_allocation", "policy_rate", "food_price_inflation", "route_container_volume",
        "transit_container_volume", "shipping_cargo_volume", "freight_volume", "freight_turnover",
        "passenger_turnover", "bilateral_cargo_volume", "air_cargo_volume", "passenger_count",
        "port_vessel_calls", "rail_daily_loading", "rail_freight_revenue", "route_length",
        "road_freight_fleet", "road_freight_market_share",
    }  # fmt: skip
    assert len(added) == 26
    assert added <= {m.id for m in load_catalog().metrics.values()}
