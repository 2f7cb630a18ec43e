"""Table extraction cases: small statistical tables and the complete set of claims each holds.

Each case is one table as a reader meets it in a CSV, a spreadsheet or an HTML page (rows of
cell strings, blank cells where a merged cell was flattened), with its caption, the
document's title, publication date and, where it matters, the article text before it. The
expected claims are COMPLETE: an extra claim fails the case as surely as a missing one.

Claims are compared as `(metric, entity, value, unit, period, status, measure, base_period)`
with the value in the base unit (4.5 million tonnes -> 4500000). Every claim must also point
at its figure (`text[char_start:char_end] == value_text`), name the rule that dated it
(`table-v1:...`) and quote the table with the labels of its row and column.

The cases are grouped by what they mainly exercise. Every figure is a real published one; the
comment above each group names the publication it restates (the tables themselves are laid
out for these tests: the sources gave most figures in prose). Known gaps of the extractor are
strict xfails with the first thing it gets wrong; a fix flips them to XPASS.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from metrics.lexicon.quantities import unit_of_label
from metrics.models import Claim, Document
from metrics.sources import render_tables
from metrics.tables import table_claims

Expected = tuple[str, str | None, float, str, str | None, str, str, str | None]

TITR = "TITR"
CARGO = "titr_cargo_volume"


def case(
    rows: list[list[str]],
    expected: list[Expected],
    *,
    id: str,
    caption: str = "",
    title: str = "",
    published: date | None = None,
    prose: str = "",
    xfail: str | None = None,
):
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(rows, caption, title, published, prose, expected, id=id, marks=marks)


def cargo(value: float, period: str, status: str = "actual") -> Expected:
    return (CARGO, TITR, value, "t", period, status, "level", None)


def cargo_growth(value: float, period: str, base: str) -> Expected:
    return (CARGO, TITR, value, "pct_change", period, "actual", "growth", base)


# fmt: off
CASES = [
    # --- Years across the columns --------------------------------------------------------
    # TITR freight: 2.76 million tonnes in 2023, 65 % more than in 2022 (The Astana Times,
    # 2024-02-27); 4.5 million tonnes in 2024, up 62 % (Kazinform/Qazinform, May 2025).
    case(
        [
            ["Indicator", "2023", "2024"],
            ["Cargo carried via TITR, thousand tonnes", "2 760", "4 500"],
        ],
        [cargo(2_760_000, "2023"), cargo(4_500_000, "2024")],
        published=date(2025, 5, 15),
        id="years_across/thousand_tonnes_in_row_label",
    ),
    case(
        [
            ["", "2022", "2023", "2024"],
            ["Freight via the Middle Corridor, mln t", "", "2.76", "4.5"],
            ["Growth, %", "", "65", "62"],
        ],
        [
            cargo(2_760_000, "2023"),
            cargo(4_500_000, "2024"),
            cargo_growth(65, "2023", "2022"),
            cargo_growth(62, "2024", "2023"),
        ],
        published=date(2025, 5, 15),
        id="years_across/growth_row_under_metric_row",
    ),
    case(
        [
            ["", "2023", "2024"],
            ["Trans-Caspian International Transport Route, freight, Mt", "2.76", "4.5"],
            ["y/y, %", "65", "62"],
        ],
        [
            cargo(2_760_000, "2023"),
            cargo(4_500_000, "2024"),
            cargo_growth(65, "2023", "2022"),
            cargo_growth(62, "2024", "2023"),
        ],
        published=date(2025, 5, 15),
        id="years_across/yoy_row_full_route_name",
    ),
    case(
        [
            ["Middle Corridor", "2023", "2024"],
            ["Freight, mln t", "2.76", "4.5"],
        ],
        [cargo(2_760_000, "2023"), cargo(4_500_000, "2024")],
        published=date(2025, 5, 15),
        id="years_across/route_named_in_corner_cell",
    ),
    # Kazakhstan real GDP growth 5.1 % in 2023 and 4.8 % in 2024 (Bureau of National Statistics
    # of Kazakhstan); annual inflation 9.8 % in December 2023 and 8.6 % in December 2024
    # (National Bank of Kazakhstan).
    case(
        [
            ["Indicator", "2023", "2024"],
            ["Real GDP growth, %", "5.1", "4.8"],
            ["Inflation, end of year, %", "9.8", "8.6"],
        ],
        [
            ("gdp_growth", "Kazakhstan", 5.1, "pct_change", "2023", "actual", "growth", "2022"),
            ("gdp_growth", "Kazakhstan", 4.8, "pct_change", "2024", "actual", "growth", "2023"),
            ("inflation", "Kazakhstan", 9.8, "%", "2023", "actual", "level", None),
            ("inflation", "Kazakhstan", 8.6, "%", "2024", "actual", "level", None),
        ],
        caption="Kazakhstan: main macroeconomic indicators",
        published=date(2025, 3, 1),
        id="years_across/country_in_caption_gdp_and_inflation",
    ),
    case(
        [
            ["", "Dec 2023", "Dec 2024"],
            ["Annual inflation, %", "9.8", "8.6"],
        ],
        [
            ("inflation", "Kazakhstan", 9.8, "%", "2023-12", "actual", "level", None),
            ("inflation", "Kazakhstan", 8.6, "%", "2024-12", "actual", "level", None),
        ],
        title="National Bank of Kazakhstan: consumer prices",
        published=date(2025, 1, 15),
        id="years_across/month_headers_country_in_title",
    ),
    # --- Years down the rows -------------------------------------------------------------
    # TITR freight 2023 and 2024 as above (The Astana Times 2024-02-27; Qazinform May 2025).
    case(
        [
            ["Year", "Cargo via TITR, mln t", "y/y, %"],
            ["2023", "2.76", "65"],
            ["2024", "4.5", "62"],
        ],
        [
            cargo(2_760_000, "2023"),
            cargo(4_500_000, "2024"),
            cargo_growth(65, "2023", "2022"),
            cargo_growth(62, "2024", "2023"),
        ],
        published=date(2025, 5, 15),
        id="years_down/level_and_yoy_columns",
    ),
    case(
        [
            ["Year", "Freight, Mt"],
            ["2023", "2.76"],
            ["2024", "4.5"],
        ],
        [cargo(2_760_000, "2023"), cargo(4_500_000, "2024")],
        title="Middle Corridor in figures",
        published=date(2025, 5, 15),
        id="years_down/route_in_document_title",
    ),
    # Inflation forecast 7 % for 2025 and 5 % for 2026 (National Bank of Kazakhstan, reported
    # by Interfax, 2024-11-29).
    case(
        [
            ["Year", "Inflation, %"],
            ["2025 (forecast)", "7"],
            ["2026 (forecast)", "5"],
        ],
        [
            ("inflation", "Kazakhstan", 7, "%", "2025", "forecast", "level", None),
            ("inflation", "Kazakhstan", 5, "%", "2026", "forecast", "level", None),
        ],
        caption="National Bank of Kazakhstan",
        published=date(2024, 11, 29),
        id="years_down/forecast_in_parentheses",
    ),
    # --- Periods shorter than a year -----------------------------------------------------
    # TITR freight January-April: 1.37 million tonnes in 2024, 1.5 million tonnes in 2025
    # (+10 %); 30,400 TEU of containers in January-April 2025 (Qazinform, May 2025).
    case(
        [
            ["", "Jan–Apr 2024", "Jan–Apr 2025"],
            ["Cargo via TITR, mln t", "1.37", "1.5"],
        ],
        [cargo(1_370_000, "2024-01..2024-04"), cargo(1_500_000, "2025-01..2025-04")],
        published=date(2025, 5, 15),
        id="sub_year/jan_apr_headers",
    ),
    case(
        [
            ["", "4M 2025"],
            ["Containers carried via TITR, TEU", "30 400"],
        ],
        [("titr_container_volume", TITR, 30_400, "TEU", "2025-01..2025-04", "actual", "level", None)],
        published=date(2025, 5, 15),
        id="sub_year/4M_header_teu_in_row_label",
    ),
    # TITR freight in January 2024: 274,200 tonnes, up 147 % on January 2023 (The Astana
    # Times, 2024-02-27).
    case(
        [
            ["", "January 2024"],
            ["Cargo via TITR, thousand tonnes", "274.2"],
            ["y/y, %", "147"],
        ],
        [cargo(274_200, "2024-01"), cargo_growth(147, "2024-01", "2023-01")],
        published=date(2024, 2, 27),
        id="sub_year/month_header_with_yoy_row",
    ),
    # TITR freight in nine months of 2022: 1,084 thousand tonnes (Kazinform, 2022-10-21).
    case(
        [
            ["", "9M 2022"],
            ["Freight on the Middle Corridor, thousand tonnes", "1 084"],
        ],
        [cargo(1_084_000, "2022-01..2022-09")],
        published=date(2022, 10, 21),
        id="sub_year/9M_header",
    ),
    # Kazakhstan GDP growth 4.9 % in Q1 2023 (Prime Minister Smailov, The Astana Times,
    # 2023-04-19).
    case(
        [
            ["", "Q1 2023"],
            ["GDP growth, % y/y", "4.9"],
        ],
        [("gdp_growth", "Kazakhstan", 4.9, "pct_change", "2023-Q1", "actual", "growth", "2022-Q1")],
        caption="Kazakhstan",
        published=date(2023, 4, 19),
        id="sub_year/Q1_header",
    ),
    # Kazakhstan real GDP growth 3.2 % in January-June 2024 and 6.2 % in January-June 2025
    # (Ministry of National Economy of Kazakhstan, preliminary estimates of July 2024 and
    # July 2025, as reported by Kazinform).
    case(
        [
            ["", "Jan–Jun 2024", "H1 2025"],
            ["Real GDP growth, %", "3.2", "6.2"],
        ],
        [
            ("gdp_growth", "Kazakhstan", 3.2, "pct_change", "2024-H1", "actual", "growth", "2023-H1"),
            ("gdp_growth", "Kazakhstan", 6.2, "pct_change", "2025-H1", "actual", "growth", "2024-H1"),
        ],
        caption="Kazakhstan, half-year results",
        published=date(2025, 7, 20),
        id="sub_year/jan_jun_and_H1_headers",
    ),
    # Aktau port in January-July 2023: oil 2.1 million tonnes, grain 142 thousand tonnes, metal
    # 114 thousand tonnes (PortNews, 2023-09-04, citing KTZ).
    case(
        [
            ["Cargo", "7M 2023"],
            ["Oil", "2 100"],
            ["Grain", "142"],
            ["Metal", "114"],
        ],
        [
            ("port_oil_throughput", "Aktau port", 2_100_000, "t", "2023-01..2023-07", "actual", "level", None),
            ("port_grain_throughput", "Aktau port", 142_000, "t", "2023-01..2023-07", "actual", "level", None),
            ("port_metal_throughput", "Aktau port", 114_000, "t", "2023-01..2023-07", "actual", "level", None),
        ],
        caption="Aktau port throughput by cargo, thousand tonnes",
        published=date(2023, 9, 4),
        id="sub_year/7M_header_port_in_caption",
    ),
    # --- Two header rows -----------------------------------------------------------------
    # TITR January-April 2024/2025 and 2023/2024 figures as above (Qazinform, May 2025; The
    # Astana Times, 2024-02-27). Containers for January-April 2024 were not published: blank.
    case(
        [
            ["", "Freight, thousand tonnes", "", "Containers, TEU", ""],
            ["Route", "Jan–Apr 2024", "Jan–Apr 2025", "Jan–Apr 2024", "Jan–Apr 2025"],
            ["TITR", "1 370", "1 500", "", "30 400"],
        ],
        [
            cargo(1_370_000, "2024-01..2024-04"),
            cargo(1_500_000, "2025-01..2025-04"),
            ("titr_container_volume", TITR, 30_400, "TEU", "2025-01..2025-04", "actual", "level", None),
        ],
        published=date(2025, 5, 15),
        id="two_headers/merged_upper_header_two_groups",
    ),
    case(
        [
            ["", "Freight", ""],
            ["", "2023", "2024"],
            ["Trans-Caspian route, mln t", "2.76", "4.5"],
        ],
        [cargo(2_760_000, "2023"), cargo(4_500_000, "2024")],
        published=date(2025, 5, 15),
        id="two_headers/merged_upper_header_one_group",
    ),
    case(
        [
            ["", "2023", "", "2024", ""],
            ["", "mln t", "y/y, %", "mln t", "y/y, %"],
            ["TITR freight", "2.76", "65", "4.5", "62"],
        ],
        [
            cargo(2_760_000, "2023"),
            cargo(4_500_000, "2024"),
            cargo_growth(65, "2023", "2022"),
            cargo_growth(62, "2024", "2023"),
        ],
        published=date(2025, 5, 15),
        id="two_headers/years_over_units",
    ),
    # --- Title rows inside the table -----------------------------------------------------
    # Aktau port, January-July 2023 (PortNews, 2023-09-04); TITR 2023/2024 as above.
    case(
        [
            ["Table 3. Cargo handled at Aktau port, thousand tonnes"],
            ["Cargo", "Jan–Jul 2023"],
            ["Oil", "2 100"],
            ["Grain", "142"],
            ["Metal", "114"],
        ],
        [
            ("port_oil_throughput", "Aktau port", 2_100_000, "t", "2023-01..2023-07", "actual", "level", None),
            ("port_grain_throughput", "Aktau port", 142_000, "t", "2023-01..2023-07", "actual", "level", None),
            ("port_metal_throughput", "Aktau port", 114_000, "t", "2023-01..2023-07", "actual", "level", None),
        ],
        published=date(2023, 9, 4),
        id="title_rows/one_title_row_names_port_and_unit",
    ),
    case(
        [
            ["Table 1. Freight on the Trans-Caspian International Transport Route", "", ""],
            ["million tonnes", "", ""],
            ["", "2023", "2024"],
            ["Total", "2.76", "4.5"],
            ["Source: Ministry of Transport of Kazakhstan", "", ""],
        ],
        [cargo(2_760_000, "2023"), cargo(4_500_000, "2024")],
        published=date(2025, 5, 15),
        id="title_rows/title_and_unit_rows_and_source_line",
    ),
    # --- Units and scales ----------------------------------------------------------------
    # TITR 2023/2024 as above.
    case(
        [
            ["Indicator", "Unit", "2023", "2024"],
            ["Cargo via TITR", "thousand tonnes", "2 760", "4 500"],
            ["Growth", "%", "65", "62"],
        ],
        [
            cargo(2_760_000, "2023"),
            cargo(4_500_000, "2024"),
            cargo_growth(65, "2023", "2022"),
            cargo_growth(62, "2024", "2023"),
        ],
        published=date(2025, 5, 15),
        id="units/unit_column",
    ),
    case(
        [
            ["Route", "2023", "2024"],
            ["Middle Corridor", "2.76", "4.5"],
        ],
        [cargo(2_760_000, "2023"), cargo(4_500_000, "2024")],
        caption="Freight carried, mln t",
        published=date(2025, 5, 15),
        id="units/unit_in_caption_route_in_row_label",
    ),
    case(
        [
            ["Indicator", "2024"],
            ["Growth of freight via TITR", "62%"],
        ],
        [cargo_growth(62, "2024", "2023")],
        published=date(2025, 5, 15),
        id="units/percent_sign_in_cell",
    ),
    # Aktau port: a container hub of up to 300 thousand TEU a year due in 2025; the three oil
    # berths handle 7.5 million tonnes a year (PortNews, 2023-09-04).
    case(
        [
            ["", "2025"],
            ["Container hub capacity at Aktau port, '000 TEU", "300"],
        ],
        [("port_capacity", "Aktau port", 300_000, "TEU", "2025", "target", "level", None)],
        published=date(2023, 9, 4),
        id="units/thousand_teu_apostrophe_future_capacity_is_target",
    ),
    case(
        [
            ["Facility", "Annual capacity, mln t"],
            ["Aktau port oil berths", "7.5"],
        ],
        [("port_capacity", "Aktau port", 7_500_000, "t", "2023", "actual", "level", None)],
        published=date(2023, 9, 4),
        id="units/undated_capacity_takes_publication_year",
    ),
    # Kazakhstan-China trade in 2022: $24.1 billion, exports $13.2 billion, imports
    # $11 billion; exports up 34.7 % (Trend News Agency, 2023-10-17).
    case(
        [
            ["Indicator", "2022"],
            ["Trade turnover", "24 100"],
            ["Exports", "13 200"],
            ["Imports", "11 000"],
        ],
        [
            ("bilateral_trade", "Kazakhstan-China", 24.1e9, "USD", "2022", "actual", "level", None),
            ("exports", "Kazakhstan-China", 13.2e9, "USD", "2022", "actual", "level", None),
            ("imports", "Kazakhstan-China", 11e9, "USD", "2022", "actual", "level", None),
        ],
        caption="Kazakhstan's trade with China, mln USD",
        published=date(2023, 10, 17),
        id="units/mln_usd_in_caption_country_pair",
    ),
    case(
        [
            ["", "2022, USD million", "Change 2022/2021, %"],
            ["Kazakhstan's exports to China", "13 200", "34.7"],
        ],
        [
            ("exports", "Kazakhstan-China", 13.2e9, "USD", "2022", "actual", "level", None),
            ("exports", "Kazakhstan-China", 34.7, "pct_change", "2022", "actual", "growth", "2021"),
        ],
        published=date(2023, 10, 17),
        id="units/usd_million_and_explicit_base_in_headers",
    ),
    # Kazakhstan foreign trade turnover $97.8 billion in 2019 and $134.4 billion in 2022 (The
    # Bishkek Herald / EU Reporter, 2023-07-23), $140 billion in 2023, and $23 billion of
    # foreign direct investment in 2023 (The Astana Times, 2024-07-03).
    case(
        [
            ["Indicator", "2019", "2022", "2023"],
            ["Foreign trade turnover", "97.8", "134.4", "140"],
            ["Foreign direct investment", "", "", "23"],
        ],
        [
            ("foreign_trade_turnover", "Kazakhstan", 97.8e9, "USD", "2019", "actual", "level", None),
            ("foreign_trade_turnover", "Kazakhstan", 134.4e9, "USD", "2022", "actual", "level", None),
            ("foreign_trade_turnover", "Kazakhstan", 140e9, "USD", "2023", "actual", "level", None),
            ("fdi_inflow", "Kazakhstan", 23e9, "USD", "2023", "actual", "level", None),
        ],
        caption="Kazakhstan, $ bn",
        published=date(2024, 7, 3),
        id="units/dollar_bn_in_caption_blank_cells",
    ),
    case(
        [
            ["$ bn", "2022", "2023"],
            ["Kazakhstan foreign trade turnover", "134.4", "140"],
        ],
        [
            ("foreign_trade_turnover", "Kazakhstan", 134.4e9, "USD", "2022", "actual", "level", None),
            ("foreign_trade_turnover", "Kazakhstan", 140e9, "USD", "2023", "actual", "level", None),
        ],
        published=date(2024, 7, 3),
        id="units/dollar_bn_in_corner_cell",
    ),
    case(
        [
            ["", "2023"],
            ["Foreign direct investment, USD million", "23 000"],
        ],
        [("fdi_inflow", "Kazakhstan", 23e9, "USD", "2023", "actual", "level", None)],
        caption="Kazakhstan",
        published=date(2024, 7, 3),
        id="units/usd_million_in_row_label",
    ),
    # Kazakhstan, April 2023: 170 new industrial projects worth 1 trillion tenge planned for
    # 2023; 18.3 trillion tenge of investment to attract in 2023; a pool of 873 investment
    # projects worth 28.1 trillion tenge ($62.1 billion) (The Astana Times, 2023-04-19).
    case(
        [
            ["", "2023 (plan)"],
            ["New industrial investment projects, billion tenge", "1 000"],
            ["Fixed capital investment to attract, billion tenge", "18 300"],
        ],
        [
            ("investment", "Kazakhstan", 1e12, "KZT", "2023", "target", "level", None),
            ("fixed_capital_investment", "Kazakhstan", 18.3e12, "KZT", "2023", "target", "level", None),
        ],
        caption="Kazakhstan",
        published=date(2023, 4, 19),
        id="units/billion_tenge_plan_column",
    ),
    case(
        [
            ["Indicator", "Unit", "Apr 2023"],
            ["Nationwide pool of investment projects", "KZT bln", "28 100"],
            ["Nationwide pool of investment projects", "USD bn", "62.1"],
        ],
        [
            ("investment", "Kazakhstan", 28.1e12, "KZT", "2023-04", "actual", "level", None),
            ("investment", "Kazakhstan", 62.1e9, "USD", "2023-04", "actual", "level", None),
        ],
        caption="Kazakhstan",
        published=date(2023, 4, 19),
        id="units/kzt_bln_and_usd_bn_in_unit_column",
    ),
    # --- Growth rows and columns ---------------------------------------------------------
    # Kazakhstan-China trade in 2022: turnover $24.1 billion, +34.1 %; exports $13.2 billion,
    # +34.7 %; imports $11 billion, +33.5 % (Trend News Agency, 2023-10-17).
    case(
        [
            ["", "2022"],
            ["Trade turnover, USD bn", "24.1"],
            ["Growth, %", "34.1"],
            ["Exports, USD bn", "13.2"],
            ["Growth, %", "34.7"],
            ["Imports, USD bn", "11.0"],
            ["Growth, %", "33.5"],
        ],
        [
            ("bilateral_trade", "Kazakhstan-China", 24.1e9, "USD", "2022", "actual", "level", None),
            ("bilateral_trade", "Kazakhstan-China", 34.1, "pct_change", "2022", "actual", "growth", "2021"),
            ("exports", "Kazakhstan-China", 13.2e9, "USD", "2022", "actual", "level", None),
            ("exports", "Kazakhstan-China", 34.7, "pct_change", "2022", "actual", "growth", "2021"),
            ("imports", "Kazakhstan-China", 11e9, "USD", "2022", "actual", "level", None),
            ("imports", "Kazakhstan-China", 33.5, "pct_change", "2022", "actual", "growth", "2021"),
        ],
        caption="Kazakhstan–China trade",
        published=date(2023, 10, 17),
        id="growth/growth_rows_inherit_the_row_above",
    ),
    # Aktau port, January-July 2023: all cargo over 2.6 million tonnes, "down 24 %" in the body
    # of the report (its headline says +24 %); oil 2.1 million tonnes, +58 %; metal 114
    # thousand tonnes, +87 % (PortNews, 2023-09-04).
    case(
        [
            ["", "Jan–Jul 2023"],
            ["Cargo, mln t", "2.6"],
            ["Change y/y, %", "−24"],
            ["Oil, mln t", "2.1"],
            ["Change y/y, %", "58"],
            ["Metal, thousand tonnes", "114"],
            ["Change y/y, %", "87"],
        ],
        [
            ("port_cargo_throughput", "Aktau port", 2_600_000, "t", "2023-01..2023-07", "actual", "level", None),
            ("port_cargo_throughput", "Aktau port", -24, "pct_change", "2023-01..2023-07", "actual", "growth", "2022-01..2022-07"),
            ("port_oil_throughput", "Aktau port", 2_100_000, "t", "2023-01..2023-07", "actual", "level", None),
            ("port_oil_throughput", "Aktau port", 58, "pct_change", "2023-01..2023-07", "actual", "growth", "2022-01..2022-07"),
            ("port_metal_throughput", "Aktau port", 114_000, "t", "2023-01..2023-07", "actual", "level", None),
            ("port_metal_throughput", "Aktau port", 87, "pct_change", "2023-01..2023-07", "actual", "growth", "2022-01..2022-07"),
        ],
        caption="Aktau port",
        published=date(2023, 9, 4),
        id="growth/change_rows_over_months_negative",
    ),
    # TITR freight 2024: 4.5 million tonnes, six times as much as five years before (Qazinform,
    # May 2025); 2023: 2.76 million tonnes, up 65 % and three times as much as in 2021 (The
    # Astana Times, 2024-07-03).
    case(
        [
            ["", "2024"],
            ["Freight via TITR, mln t", "4.5"],
            ["2024/2019, times", "6"],
        ],
        [cargo(4_500_000, "2024"), (CARGO, TITR, 6, "x", "2024", "actual", "growth", "2019")],
        published=date(2025, 5, 15),
        id="growth/times_row_with_explicit_base",
    ),
    case(
        [
            ["", "2023"],
            ["Freight via TITR, mln t", "2.76"],
            ["y/y, %", "65"],
            ["2023/2021, times", "3"],
        ],
        [
            cargo(2_760_000, "2023"),
            cargo_growth(65, "2023", "2022"),
            (CARGO, TITR, 3, "x", "2023", "actual", "growth", "2021"),
        ],
        published=date(2024, 7, 3),
        id="growth/two_change_rows_under_one_level_row",
    ),
    # TITR freight January-April 2024/2025, 1.37 and 1.5 million tonnes, +10 %; 2023/2024,
    # 2.76 and 4.5 million tonnes, +62 % (Qazinform, May 2025).
    case(
        [
            ["Indicator", "Jan–Apr 2024", "Jan–Apr 2025", "y/y, %"],
            ["Freight via TITR", "1.37", "1.5", "10"],
        ],
        [
            cargo(1_370_000, "2024-01..2024-04"),
            cargo(1_500_000, "2025-01..2025-04"),
            cargo_growth(10, "2025-01..2025-04", "2024-01..2024-04"),
        ],
        caption="million tonnes",
        published=date(2025, 5, 15),
        id="growth/yoy_column_after_period_columns",
    ),
    case(
        [
            ["Indicator", "2023", "2024", "Growth 2024/2023, %"],
            ["Freight via TITR, mln t", "2.76", "4.5", "62"],
        ],
        [cargo(2_760_000, "2023"), cargo(4_500_000, "2024"), cargo_growth(62, "2024", "2023")],
        published=date(2025, 5, 15),
        id="growth/growth_column_percent_against_row_unit",
    ),
    # Cargo carried through Kazakhstan in 2024: 34.6 million tonnes, +7.1 % (Kazinform,
    # cited by Qazinform, May 2025).
    case(
        [
            ["", "2024"],
            ["Cargo carried through Kazakhstan, mln t", "34.6"],
            ["Increase on the previous year, %", "7.1"],
        ],
        [
            ("transit_cargo_volume", "Kazakhstan", 34_600_000, "t", "2024", "actual", "level", None),
            ("transit_cargo_volume", "Kazakhstan", 7.1, "pct_change", "2024", "actual", "growth", "2023"),
        ],
        published=date(2025, 5, 15),
        id="growth/increase_row_country_entity",
    ),
    # --- Shares --------------------------------------------------------------------------
    # Kazakhstan-China 2022: exports to China 15.6 % of Kazakhstan's trade turnover; China
    # 21.9 % of Kazakhstan's imports (Trend News Agency, 2023-10-17). Kazakhstan 60 % of
    # Central Asia's GDP in 2023 (The Astana Times, 2024-07-03). Kazakh exports 72 % of TITR
    # freight (Qazinform, May 2025).
    case(
        [
            ["", "2022"],
            ["Kazakhstan's exports to China, share of total trade turnover, %", "15.6"],
            ["Kazakhstan's imports from China, share of total imports, %", "21.9"],
        ],
        [
            ("exports", "Kazakhstan-China", 15.6, "%", "2022", "actual", "share", None),
            ("imports", "Kazakhstan-China", 21.9, "%", "2022", "actual", "share", None),
        ],
        published=date(2023, 10, 17),
        id="shares/share_rows_country_pair",
    ),
    case(
        [
            ["Flow", "USD bn", "Share, %"],
            ["Kazakhstan's exports to China", "13.2", "15.6"],
        ],
        [
            ("exports", "Kazakhstan-China", 13.2e9, "USD", "2022", "actual", "level", None),
            ("exports", "Kazakhstan-China", 15.6, "%", "2022", "actual", "share", None),
        ],
        caption="Kazakhstan–China trade in 2022",
        published=date(2023, 10, 17),
        id="shares/share_column_year_in_caption",
    ),
    case(
        [
            ["Country", "Share of Central Asian GDP in 2023, %"],
            ["Kazakhstan", "60"],
        ],
        [("gdp_share", "Kazakhstan", 60, "%", "2023", "actual", "share", None)],
        published=date(2024, 7, 3),
        id="shares/share_column_country_row",
    ),
    case(
        [
            ["Flow", "2024, share, %"],
            ["Kazakh exports", "72"],
        ],
        [("titr_export_volume", "Kazakhstan", 72, "%", "2024", "actual", "share", None)],
        caption="Freight on the TITR by flow",
        published=date(2025, 5, 15),
        xfail="the country in the row label outranks the route in the caption: read as a share of exports",
        id="shares/export_share_of_route",
    ),
    # --- Forecasts, targets and estimates ------------------------------------------------
    # TITR: 2.76 million tonnes in 2023, 4.2 million tonnes expected in 2024, 10 million tonnes
    # planned by 2030 (The Astana Times, 2024-07-03); 4.5 million tonnes in 2024 (Qazinform,
    # May 2025); capacity 6 million tonnes a year, to reach 10 million by 2027; North-South
    # corridor capacity likewise from 6 to 10 million tonnes by 2027 (The Astana Times,
    # 2024-02-27).
    case(
        [
            ["", "2023", "2024F"],
            ["Freight via TITR, mln t", "2.76", "4.2"],
        ],
        [cargo(2_760_000, "2023"), cargo(4_200_000, "2024", "forecast")],
        published=date(2024, 7, 3),
        id="status/forecast_year_suffix",
    ),
    case(
        [
            ["", "Forecast"],
            ["Freight via the Middle Corridor", "4.2"],
        ],
        [cargo(4_200_000, "2024", "forecast")],
        caption="TITR in 2024, million tonnes",
        published=date(2024, 7, 3),
        id="status/forecast_header_year_in_caption",
    ),
    case(
        [
            ["", "2023", "Target 2030"],
            ["Freight via the Middle Corridor, mln t", "2.76", "10"],
        ],
        [cargo(2_760_000, "2023"), cargo(10_000_000, "2030", "target")],
        published=date(2024, 7, 3),
        id="status/target_column",
    ),
    case(
        [
            ["", "2023", "2024e"],
            ["Cargo via TITR, mln t", "2.76", "4.5"],
        ],
        [cargo(2_760_000, "2023"), cargo(4_500_000, "2024")],
        published=date(2025, 5, 15),
        id="status/estimate_for_a_finished_year_is_actual",
    ),
    case(
        [
            ["", "2023", "2024e"],
            ["Cargo via TITR, mln t", "2.76", "4.2"],
        ],
        [cargo(2_760_000, "2023"), cargo(4_200_000, "2024", "forecast")],
        published=date(2024, 7, 3),
        id="status/estimate_for_the_current_year_is_forecast",
    ),
    case(
        [
            ["", "2025", "2026"],
            ["Inflation, %", "7", "5"],
        ],
        [
            ("inflation", "Kazakhstan", 7, "%", "2025", "forecast", "level", None),
            ("inflation", "Kazakhstan", 5, "%", "2026", "forecast", "level", None),
        ],
        caption="Kazakhstan",
        published=date(2024, 11, 29),
        id="status/future_year_unmarked_is_forecast",
    ),
    case(
        [
            ["Route", "Current", "Plan, 2027"],
            ["TITR", "6", "10"],
            ["North-South corridor", "6", "10"],
        ],
        [
            ("route_capacity", TITR, 6e6, "t", "2024", "actual", "level", None),
            ("route_capacity", TITR, 10e6, "t", "2027", "target", "level", None),
            ("route_capacity", "North-South corridor", 6e6, "t", "2024", "actual", "level", None),
            ("route_capacity", "North-South corridor", 10e6, "t", "2027", "target", "level", None),
        ],
        caption="Carrying capacity, million tonnes a year",
        published=date(2024, 2, 27),
        id="status/plan_column_and_current_capacity",
    ),
    case(
        [
            ["", "2027"],
            ["Carrying capacity of the TITR, mln t a year", "10"],
        ],
        [("route_capacity", TITR, 10e6, "t", "2027", "target", "level", None)],
        published=date(2024, 2, 27),
        id="status/future_year_unmarked_capacity_is_target",
    ),
    # --- Entities ------------------------------------------------------------------------
    # Real GDP growth in 2023: Kazakhstan 5.1 % (Bureau of National Statistics), Uzbekistan
    # 6.0 % (Uzbekistan's statistics agency), Georgia 7.5 % (Geostat, rapid estimate of
    # January 2024), Azerbaijan 1.1 % (State Statistical Committee of Azerbaijan).
    case(
        [
            ["Country", "2023"],
            ["Kazakhstan", "5.1"],
            ["Uzbekistan", "6.0"],
            ["Georgia", "7.5"],
            ["Azerbaijan", "1.1"],
        ],
        [
            ("gdp_growth", "Kazakhstan", 5.1, "pct_change", "2023", "actual", "growth", "2022"),
            ("gdp_growth", "Uzbekistan", 6.0, "pct_change", "2023", "actual", "growth", "2022"),
            ("gdp_growth", "Georgia", 7.5, "pct_change", "2023", "actual", "growth", "2022"),
            ("gdp_growth", "Azerbaijan", 1.1, "pct_change", "2023", "actual", "growth", "2022"),
        ],
        caption="Real GDP growth, %",
        published=date(2024, 3, 1),
        id="entities/countries_in_row_labels",
    ),
    # Aktau port, January-July 2023: over 2.6 million tonnes (PortNews, 2023-09-04); Kuryk's
    # figure for the period was not published in that report: "n/a".
    case(
        [
            ["Port", "Jan–Jul 2023"],
            ["Aktau", "2.6"],
            ["Kuryk", "n/a"],
        ],
        [("port_cargo_throughput", "Aktau port", 2_600_000, "t", "2023-01..2023-07", "actual", "level", None)],
        caption="Cargo throughput of Kazakhstan's Caspian ports, mln t",
        published=date(2023, 9, 4),
        id="entities/port_in_row_label_beats_ports_in_caption",
    ),
    case(
        [
            ["Cargo", "Jan–Jul 2023"],
            ["Grain, thousand tonnes", "142"],
            ["Metal, thousand tonnes", "114"],
        ],
        [
            ("port_grain_throughput", "Aktau port", 142_000, "t", "2023-01..2023-07", "actual", "level", None),
            ("port_metal_throughput", "Aktau port", 114_000, "t", "2023-01..2023-07", "actual", "level", None),
        ],
        prose="The port of Aktau reported its cargo figures for the first seven months of 2023.",
        published=date(2023, 9, 4),
        id="entities/port_named_only_in_prose",
    ),
    case(
        [
            ["", "2023", "2024"],
            ["Freight, mln t", "2.76", "4.5"],
        ],
        [cargo(2_760_000, "2023"), cargo(4_500_000, "2024")],
        prose="The Trans-Caspian International Transport Route keeps growing.",
        published=date(2025, 5, 15),
        id="entities/route_named_only_in_prose",
    ),
    # --- Sub-heading rows ----------------------------------------------------------------
    # Aktau port January-July 2023 as above; TITR 2023 and the North-South corridor's rail
    # freight of 2.1 million tonnes in 2023, +4 % (The Astana Times, 2024-02-27).
    case(
        [
            ["", "Jan–Jul 2023"],
            ["Aktau port", ""],
            ["Cargo, mln t", "2.6"],
            ["Oil, mln t", "2.1"],
        ],
        [
            ("port_cargo_throughput", "Aktau port", 2_600_000, "t", "2023-01..2023-07", "actual", "level", None),
            ("port_oil_throughput", "Aktau port", 2_100_000, "t", "2023-01..2023-07", "actual", "level", None),
        ],
        published=date(2023, 9, 4),
        id="subheadings/port_subheading",
    ),
    case(
        [
            ["", "2023"],
            ["Trans-Caspian route", ""],
            ["Freight, mln t", "2.76"],
            ["Growth, %", "65"],
            ["North-South corridor", ""],
            ["Rail freight, mln t", "2.1"],
            ["Growth, %", "4"],
        ],
        [
            cargo(2_760_000, "2023"),
            cargo_growth(65, "2023", "2022"),
            ("rail_cargo_volume", "North-South corridor", 2_100_000, "t", "2023", "actual", "level", None),
            ("rail_cargo_volume", "North-South corridor", 4, "pct_change", "2023", "actual", "growth", "2022"),
        ],
        published=date(2024, 2, 27),
        id="subheadings/two_routes_with_growth_rows",
    ),
    # Aktau port handled over 13 thousand containers in January-July 2023 (PortNews,
    # 2023-09-04): a count of boxes, not TEU.
    case(
        [
            ["", "Jan–Jul 2023"],
            ["Containers, thousand units", "13"],
        ],
        [("port_container_throughput", "Aktau port", 13_000, "count", "2023-01..2023-07", "actual", "level", None)],
        caption="Aktau port",
        published=date(2023, 9, 4),
        xfail="a bare scale ('thousand units') is no unit a TEU metric takes: the container count is dropped",
        id="units/container_count_in_thousands",
    ),
    # --- How the figures are written -----------------------------------------------------
    # TITR 2023/2024 as above; the Astana Times wrote "2,76 million tons" (2024-02-27).
    case(
        [
            ["", "2023", "2024"],
            ["Cargo via TITR, mln t", "2,76", "4,5"],
        ],
        [cargo(2_760_000, "2023"), cargo(4_500_000, "2024")],
        published=date(2025, 5, 15),
        id="notation/decimal_comma",
    ),
    case(
        [
            ["", "2023", "2024"],
            ["Cargo via TITR, thousand tonnes", "2\u2009760", "4\u202f500"],
        ],
        [cargo(2_760_000, "2023"), cargo(4_500_000, "2024")],
        published=date(2025, 5, 15),
        id="notation/thin_space_thousands",
    ),
    case(
        [
            ["", "2023", "2024"],
            ["Cargo via TITR, thousand tonnes", "2\u00a0760", "4\u00a0500"],
        ],
        [cargo(2_760_000, "2023"), cargo(4_500_000, "2024")],
        published=date(2025, 5, 15),
        id="notation/no_break_space_thousands",
    ),
    case(
        [
            ["", "2023", "2024*"],
            ["Cargo via TITR, thousand tonnes", "2 760", "4 500*"],
            ["* preliminary", "", ""],
        ],
        [cargo(2_760_000, "2023"), cargo(4_500_000, "2024")],
        published=date(2025, 5, 15),
        id="notation/footnote_marks",
    ),
    case(
        [
            ["", "2024"],
            ["Freight via TITR, mln t", "~4.5"],
        ],
        [cargo(4_500_000, "2024")],
        published=date(2025, 5, 15),
        id="notation/approximately",
    ),
    case(
        [
            ["", "2022", "2023", "2024"],
            ["Cargo via TITR, mln t", "—", "2.76", "4.5"],
            ["Containers via TITR, TEU", "n/a", "–", ""],
        ],
        [cargo(2_760_000, "2023"), cargo(4_500_000, "2024")],
        published=date(2025, 5, 15),
        id="notation/empty_cells_and_dashes",
    ),
    # --- No claims -----------------------------------------------------------------------
    # Names and positions: Nurlan Sauranbayev chaired the TITR association meeting (Kazinform,
    # 2022-10-21); Dinmukhammed Sembayev heads the Transport Ministry's transport policy
    # department (Qazinform, May 2025). The phone numbers are placeholders, not data.
    case(
        [
            ["Office", "Phone"],
            ["Aktau port, cargo department", "+7 7292 00 00 00"],
            ["Kuryk port, dispatcher", "+7 7292 00 00 01"],
        ],
        [],
        published=date(2024, 2, 27),
        id="none/phone_list",
    ),
    case(
        [
            ["Name", "Position"],
            ["Nurlan Sauranbayev", "Chairman, Kazakhstan Temir Zholy"],
            ["Dinmukhammed Sembayev", "Director, transport policy department"],
        ],
        [],
        published=date(2025, 5, 15),
        id="none/table_of_names",
    ),
    case(
        [
            ["Item", "2023"],
            ["Widgets", "15"],
        ],
        [],
        published=date(2024, 1, 1),
        id="none/figures_without_a_metric_cue",
    ),
    case(
        [
            ["", "2023", "2024"],
            ["Cargo via TITR", "2.76", "4.5"],
        ],
        [],
        published=date(2025, 5, 15),
        id="none/tonnage_level_without_a_unit",
    ),
    case(
        [
            ["About the route", "The Trans-Caspian International Transport Route links China and Europe across Kazakhstan, the Caspian Sea, Azerbaijan and Georgia."],
            ["Ports", "Aktau and Kuryk on the Caspian; both hold EcoPort status."],
        ],
        [],
        published=date(2025, 5, 14),
        id="none/layout_table_of_text",
    ),
    case(
        [
            ["Event", "Date"],
            ["SCO summit, Astana", "4 July 2024"],
            ["Consultative Meeting of Central Asian heads of state", "August 2024"],
        ],
        [],
        published=date(2024, 7, 3),
        id="none/table_of_dates",
    ),
]
# fmt: on


def _document(
    rows: list[list[str]], caption: str, title: str, published: date | None, prose: str
) -> Document:
    text, tables = render_tables(prose, [("table 1", rows, caption)])
    return Document(
        path="t.csv", text=text, title=title, published=published, tables=tables, format="csv"
    )


def _key(c: Claim) -> Expected:
    return (
        c.metric,
        c.entity,
        float(f"{c.value:.6g}"),
        c.unit,
        c.period,
        c.status,
        c.measure,
        c.base_period,
    )


def _normalised(e: Expected) -> Expected:
    metric, entity, value, unit, period, status, measure, base = e
    return (metric, entity, float(f"{value:.6g}"), unit, period, status, measure, base)


_FIGURE = re.compile(r"[~+\-−–\d][\d\s.,%*]*")


def _cell_at(document: Document, offset: int) -> tuple[int, int]:
    """(row, column) of the cell a claim's offset falls in."""
    table = document.tables[0]
    for r, row in enumerate(table.offsets):
        for c, start in enumerate(row):
            if start <= offset < start + max(len(table.rows[r][c]), 1):
                return r, c
    raise AssertionError(f"offset {offset} is in no cell")


def _check_quote(document: Document, claim: Claim) -> None:
    rows = document.tables[0].rows
    r, c = _cell_at(document, claim.char_start)
    assert claim.quote.startswith("table 1"), claim.quote
    row_label = next((cell for cell in rows[r][:c] if cell), None)
    if row_label is not None:
        assert row_label in claim.quote, (row_label, claim.quote)
    header = next(
        (row[c] for row in rows[:r] if c < len(row) and row[c] and not _FIGURE.fullmatch(row[c])),
        None,
    ) or next((row[c] for row in rows[:r] if c < len(row) and row[c]), None)
    if header is not None:
        assert header in claim.quote, (header, claim.quote)


@pytest.mark.parametrize(("rows", "caption", "title", "published", "prose", "expected"), CASES)
def test_table(
    rows: list[list[str]],
    caption: str,
    title: str,
    published: date | None,
    prose: str,
    expected: list[Expected],
) -> None:
    document = _document(rows, caption, title, published, prose)
    claims = table_claims(document)
    assert sorted(map(_key, claims), key=repr) == sorted(map(_normalised, expected), key=repr)
    for claim in claims:
        assert document.text[claim.char_start : claim.char_end] == claim.value_text
        assert claim.extractor.startswith("table-v1:"), claim.extractor
        _check_quote(document, claim)


@pytest.mark.parametrize(
    ("cell", "qualifier"),
    [
        pytest.param("~ 4.5", "approx", id="tilde_and_space"),
        pytest.param("about 4.5", "approx", id="about"),
        pytest.param("~4.5", "approx", id="tilde"),
        pytest.param("≈4.5", "approx", id="almost_equal"),
        pytest.param("4.5", "exact", id="plain"),
        pytest.param("4.5*", "exact", id="footnote_mark"),
    ],
)
def test_table_qualifier(cell: str, qualifier: str) -> None:
    # TITR freight 2024: 4.5 million tonnes (Qazinform, May 2025).
    document = _document(
        [["", "2024"], ["Freight via TITR, mln t", cell]], "", "", date(2025, 5, 15), ""
    )
    [claim] = table_claims(document)
    assert (claim.value, claim.qualifier) == (4_500_000, qualifier)


@pytest.mark.parametrize(
    "cell",
    [
        pytest.param("−24", id="minus_sign"),
        pytest.param("-24", id="hyphen"),
        pytest.param("– 24", id="en_dash_and_space"),
    ],
)
def test_negative_change_cell(cell: str) -> None:
    # Aktau port, January-July 2023: cargo "down 24 %" (PortNews, 2023-09-04).
    document = _document(
        [["", "Jan–Jul 2023"], ["Cargo handled at Aktau port, change y/y, %", cell]],
        "",
        "",
        date(2023, 9, 4),
        "",
    )
    [claim] = table_claims(document)
    assert (claim.metric, claim.entity, claim.value, claim.unit, claim.measure) == (
        "port_cargo_throughput",
        "Aktau port",
        -24,
        "pct_change",
        "growth",
    )
    assert document.text[claim.char_start : claim.char_end] == claim.value_text


def test_claim_ids_are_stable_and_distinct() -> None:
    # TITR freight 2023 and 2024 (The Astana Times, 2024-02-27; Qazinform, May 2025).
    rows = [["", "2023", "2024"], ["Cargo via TITR, mln t", "2.76", "4.5"]]
    first = table_claims(_document(rows, "", "", date(2025, 5, 15), ""))
    again = table_claims(_document(rows, "", "", date(2025, 5, 15), ""))
    assert [c.claim_id for c in first] == [c.claim_id for c in again]
    assert len({c.claim_id for c in first}) == 2


# --- unit_of_label: the unit and multiplier a header gives the figures under it ----------
@pytest.mark.parametrize(
    ("label", "expected"),
    [
        pytest.param("thousand tonnes", ("t", 1e3), id="thousand_tonnes"),
        pytest.param("Cargo, mln t", ("t", 1e6), id="mln_t"),
        pytest.param("Freight, Mt", ("t", 1e6), id="Mt"),
        pytest.param("Metal, '000 t", ("t", 1e3), id="apostrophe_000_t"),
        pytest.param("Containers, '000 TEU", ("TEU", 1e3), id="apostrophe_000_TEU"),
        pytest.param("thous. TEU", ("TEU", 1e3), id="thous_TEU"),
        pytest.param("mln USD", ("USD", 1e6), id="mln_USD"),
        pytest.param("USD million", ("USD", 1e6), id="USD_million"),
        pytest.param("$ bn", ("USD", 1e9), id="dollar_bn"),
        pytest.param("US$ bn", ("USD", 1e9), id="US_dollar_bn"),
        pytest.param("Exports (billion tenge)", ("KZT", 1e9), id="billion_tenge"),
        pytest.param("KZT bln", ("KZT", 1e9), id="KZT_bln"),
        pytest.param("EUR m", ("EUR", 1e6), id="EUR_m"),
        pytest.param("y/y, %", ("%", 1.0), id="yoy_percent"),
        pytest.param("Share, per cent", ("%", 1.0), id="per_cent"),
        pytest.param("Growth, times", ("x", 1.0), id="times"),
        pytest.param("Change, pp", ("pp", 1.0), id="percentage_points"),
        pytest.param("Transit time, days", ("day", 1.0), id="days"),
        pytest.param("Passengers, thous.", ("", 1e3), id="bare_scale_counts"),
        pytest.param("Route", None, id="route"),
        pytest.param("2023", None, id="year"),
        pytest.param("Kazakhstan", None, id="country"),
        pytest.param("Don't know", None, id="dont_know"),
        pytest.param("Kuryk port", None, id="port"),
    ],
)
def test_unit_of_label(label: str, expected: tuple[str, float] | None) -> None:
    assert unit_of_label(label) == expected
