"""Counts in words (issue 19): "1 vintage revised by its originator", never "1 vintages",
alike in the command line's summary line and the report's cards, which word them through
the one helper `plural`."""

from __future__ import annotations

import re

import pytest

from metrics.output import plural
from metrics.reconcile import reconciliation
from metrics.reconcile.reconciliation import summarize
from metrics.report import _template

# (count, words in the summary line, words on the report's cards)
CASES = [
    (0, ["0 figures resolved", "0 forecast errors", "0 targets with 0 revisions",
         "0 vintages revised by their originator", "0 forecast spreads", "0 mirror statistics",
         "0 gaps filled by implied values"],
        ["0 figures resolved", "0 forecasts checked against actuals", "0 targets",
         "0 vintages revised by their originator", "0 forecast spreads", "0 mirror statistics",
         "0 implausible figures", "0 undated figures", "from 0 sources and 0 claims"]),
    (1, ["1 figure resolved", "1 forecast error;", "1 target with 1 revision;",
         "1 vintage revised by its originator", "1 forecast spread,", "1 mirror statistic,",
         "1 gap filled by an implied value;"],
        ["1 figure resolved", "1 forecast checked against its actual", "1 target,",
         "1 vintage revised by its originator", "1 forecast spread", "1 mirror statistic",
         "1 implausible figure", "1 undated figure", "from 1 source and 1 claim."]),
    (2, ["2 figures resolved", "2 forecast errors", "2 targets with 2 revisions",
         "2 vintages revised by their originator", "2 forecast spreads", "2 mirror statistics",
         "2 gaps filled by implied values"],
        ["2 figures resolved", "2 forecasts checked against actuals", "2 targets,",
         "2 vintages revised by their originator", "2 forecast spreads", "2 mirror statistics",
         "2 implausible figures", "2 undated figures", "from 2 sources and 2 claims"]),
]  # fmt: skip
SINGULAR_SLIPS = re.compile(r"\b1 (figures|forecast errors|targets|vintages|revisions|spreads|"
                            r"statistics|gaps|sources|claims|forecasts)\b")  # fmt: skip


@pytest.mark.parametrize(
    ("one", "many", "n", "expected"),
    [("target", None, 0, "targets"), ("target", None, 1, "target"), ("target", None, 2, "targets"),
     ("vintage revised by its originator", "vintages revised by their originator", 1,
      "vintage revised by its originator"),
     ("vintage revised by its originator", "vintages revised by their originator", 2,
      "vintages revised by their originator")],
)  # fmt: skip
def test_plural(one: str, many: str | None, n: int, expected: str) -> None:
    assert plural(n, one, many) == expected


_KEYS = (  # summary_counts' and the cards' counts
    "resolved", "disputed", "ambiguous", "conflicts", "gaps_filled", "consistent",
         "inconsistent", "forecast_errors", "targets", "target_revisions", "verdict_revisions",
         "verdict_spreads", "verdict_mirrors", "verdict_implausible", "verdict_undated",
         "sources", "claims")  # fmt: skip


@pytest.mark.parametrize(("n", "line_words", "_"), CASES, ids=["0", "1", "2"])
def test_summary_line(
    n: int, line_words: list[str], _: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reconciliation, "summary_counts", lambda recon: dict.fromkeys(_KEYS, n))
    line = summarize(None)  # type: ignore[arg-type]
    for words in line_words:
        assert words in line
    assert not SINGULAR_SLIPS.search(line), line


@pytest.mark.parametrize(("n", "_", "card_words"), CASES, ids=["0", "1", "2"])
def test_report_cards(n: int, _: list[str], card_words: list[str]) -> None:
    counts = dict.fromkeys(_KEYS, n)
    summary = _template().environment.get_template("_summary.html.j2")
    page = summary.render(title="t", generated="now", counts=counts, plural=plural,
                          totals={"conflicts": n, "ambiguous": n})  # fmt: skip
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    for words in card_words:
        assert words in text
    assert not SINGULAR_SLIPS.search(text), text
