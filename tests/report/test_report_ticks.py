"""Tick labels that read at any width (issue 19): level, never overlapping, on a desktop and
in a 500-pixel window. The figures pin the settings (annual ticks each year, labels never
turned, a period range on two lines); the page's script thins the labels of a narrow chart
(every 2, 5, ... years, every second period), which headless Chromium checks."""

from __future__ import annotations

import json
import re
import subprocess
from itertools import pairwise
from pathlib import Path

import pytest
from test_report_scale import TITR, figures, render, stated

# 31 years, 6 Jan-Jul periods and 12 months: more labels than a phone holds
LONG_ANNUAL = {str(year): [1.0 + (year - 1995) / 10] for year in range(1995, 2026)}
DECADE = {str(year): [2.0 + (year - 2021) / 10] for year in range(2021, 2031)}
RANGES = {f"{year}-01..{year}-07": [1.0 + (year - 2018) / 10] for year in range(2018, 2024)}
MONTHS = {f"2023-{month:02}": [1.0 + month / 10] for month in range(1, 13)}
SERIES = {
    TITR: LONG_ANNUAL,
    ("port_cargo_throughput", "Aktau port"): RANGES,
    ("port_cargo_throughput", "Kuryk port"): MONTHS,
    ("transit_cargo_volume", "Kazakhstan"): DECADE,
}


@pytest.fixture(scope="module")
def page() -> str:
    return render(*stated(SERIES))


def _axis(page: str, slug_part: str) -> dict:
    (figure,) = [f for slug, f in figures(page).items() if slug_part in slug]
    return figure["layout"]["xaxis"]


def test_tick_settings(page: str) -> None:
    annual = _axis(page, "titr-cargo-volume-titr-level")
    assert (annual["dtick"], annual["tickformat"]) == ("M12", "%Y")  # each year, on its point
    ranged = _axis(page, "aktau-port-level")
    assert ranged["tickmode"] == "array"
    assert ranged["ticktext"][0] == "2018-01..<br>2018-07"  # a range on two lines
    monthly = _axis(page, "kuryk-port-level")
    assert monthly["ticktext"][0] == "2023-01" and len(monthly["ticktext"]) == 12
    for slug, figure in figures(page).items():
        axis = figure["layout"]["xaxis"]
        assert (axis["tickangle"], axis["automargin"]) == (0, True), slug  # never turned


PROBE = """<script>
window.addEventListener("load", function () { setTimeout(function () {
  var charts = Array.from(document.querySelectorAll(".chart")).map(function (c) {
    return {id: c.id, ticks: Array.from(c.querySelectorAll(".xtick text")).map(function (t) {
      var r = t.getBoundingClientRect();
      return [t.textContent, r.left, r.right, t.getAttribute("transform") || ""]; })};
  });
  document.body.setAttribute("data-probe", JSON.stringify(charts));
}, 4000); });
</script>"""
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
         "--disable-background-networking", "--disable-component-update", "--hide-scrollbars",
         "--virtual-time-budget=20000"]  # fmt: skip


def _ticks_seen(chromium: str, page: str, tmp_path: Path, width: int) -> dict[str, list]:
    report = tmp_path / f"ticks-{width}.html"
    report.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    result = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={tmp_path / f'profile-{width}'}",
         f"--window-size={width},4000", "--dump-dom", report.as_uri()],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    found = re.search(r'data-probe="([^"]*)"', result.stdout)
    assert found, result.stdout[-2000:]
    charts = json.loads(found[1].replace("&quot;", '"').replace("&amp;", "&"))
    return {chart["id"]: chart["ticks"] for chart in charts}


@pytest.mark.parametrize("width", [500, 1200])
def test_tick_labels_never_overlap(chromium: str, page: str, tmp_path: Path, width: int) -> None:
    seen = _ticks_seen(chromium, page, tmp_path, width)
    assert len(seen) == len(figures(page)) >= len(SERIES)  # with the growth each implies
    for chart, ticks in seen.items():
        labels = [text for text, *_ in ticks]
        assert len(labels) >= 2 and len(set(labels)) == len(labels), (chart, labels)
        boxes = sorted((left, right) for _, left, right, _ in ticks)
        for (_, right), (left, _) in pairwise(boxes):
            assert right <= left, (width, chart, labels)
        assert not any("rotate" in turned for *_, turned in ticks), (chart, ticks)
    (decade,) = [ticks for chart, ticks in seen.items() if "kazakhstan-level" in chart]
    if width == 1200:  # a desktop ticks every year a decade holds
        assert [text for text, *_ in decade][:10] == [str(year) for year in range(2021, 2031)]
    else:  # 31 years in 500 pixels: every 5 or 10 years
        (annual,) = [ticks for chart, ticks in seen.items() if "titr-level" in chart]
        assert len(annual) <= 8
