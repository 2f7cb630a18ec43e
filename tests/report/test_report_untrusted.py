"""Strings from sources cannot run in the report: every one is text, never markup or a link.

Sources are untrusted, so a report is built from articles whose title, publisher, url, file
name and claims (the quote and the figure as written) all carry an attack string: script
elements, a `</script>` that would close the element holding a figure, attribute breakouts
(`" onload=`), `javascript:`, `vbscript:` and `data:text/html` URLs, template syntax for
jinja2 and for plotly's hovertemplate, pre-escaped entities and line separators. Every
article states a different 2023 figure for one series, so each string reaches the chart's
hovers and the conflicts table as well as the sources table. The page is checked three ways:

- parsed with `html.parser`: only the template's own elements and scripts, no `on*`
  attribute, every link http(s), a `#` fragment or the report's own CSV download, and each
  attack string present as text (so dropping the strings cannot pass for escaping them);
- the figure JSON: plotly renders a subset of HTML in hover text, so every hover string is
  escaped text, and the JSON cannot close its script element;
- in headless Chromium, with alert/confirm/prompt/print replaced by recorders: no dialog,
  no error, every chart drawn, and the hover label of every point, drawn by plotly, shows
  each string as the literal text it is.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import subprocess
import urllib.parse
from datetime import date, timedelta
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import markupsafe
import pytest
from test_report import CHROMIUM_FLAGS

from metrics.lexicon.periods import period_from_label
from metrics.models import Claim, Document
from metrics.pipeline import ingest
from metrics.report import write_report
from metrics.report.charts import HOVER
from metrics.report.context import plotly_basic_js
from metrics.store import Store


class Case(NamedTuple):
    id: str
    payload: str  # the article's title, and part of its publisher, quote and figure
    url: str  # a web address carrying the payload (a link), or another scheme (no link)


WEB = "https://news.example/"
CASES = [
    Case("script", "<script>alert(101)</script>", WEB + "<script>alert(101)</script>"),
    Case("close-script", "</script><script>alert(102)</script>", WEB + "?q=</script><script>alert(102)</script>"),
    Case("attr-dq", '" onload="alert(103)', WEB + '" onmouseover="alert(103)'),
    Case("attr-sq", "'><img src=x onerror=alert(104)>", WEB + "'><img src=x onerror=alert(104)>"),
    Case("svg", "<svg onload=alert(105)>", WEB + "#<svg onload=alert(105)>"),
    Case("iframe", '<iframe srcdoc="<script>parent.alert(106)</script>"></iframe>', WEB + "i"),
    Case("meta-refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(107)">', WEB + "m"),
    Case("comment", "<!--<script>alert(108)</script>-->", WEB + "<!--"),
    Case("style", "<style>body{display:none}</style>", WEB + "s"),
    Case("js-url", "javascript:alert(109)", "javascript:alert(109)"),
    Case("js-url-case", "JaVaScRiPt:alert(110)", "JaVaScRiPt:alert(110)"),
    Case("js-url-space", " javascript:alert(111)", " javascript:alert(111)"),
    Case("js-url-tab", "java\tscript:alert(112)", "java\tscript:alert(112)"),  # browsers drop the tab
    Case("js-url-entity", "javascript&colon;alert(113)", "javascript&colon;alert(113)"),
    Case("data-url", "data:text/html,<script>alert(114)</script>", "data:text/html,<script>alert(114)</script>"),
    Case("vbscript", "vbscript:msgbox(115)", "vbscript:msgbox(115)"),
    Case("entities", "&lt;script&gt;alert(116)&lt;/script&gt;", WEB + "&lt;script&gt;"),
    Case("jinja", "{{ 123456789 * 9 }}{% if false %}hidden{% endif %}", WEB + "{{ 9 * 9 }}"),
    Case("plotly-markup", '<a href="javascript:alert(120)">link</a><b>bold</b><br>', WEB + "b"),
    Case("plotly-template", "%{customdata[4]} %{x} %{fullData.name}", WEB + "p"),
    Case("line-separators", "a\u2028b\u2029c</script>alert(117)", WEB + "\u2028"),
    Case("formula", '=HYPERLINK("https://evil.example/","open")', WEB + "f"),
    Case("formula-at", "@SUM(1+1)*cmd|' /C calc'!A0", WEB + "g"),
]  # fmt: skip
IDS = [case.id for case in CASES]
ENTITY = "<img src=x onerror=alert(118)>"  # an entity: chart title, aria-label, tables
UNTITLED_URL = WEB + '?a="><script>alert(119)</script>'  # no title: the link shows the url


class Texts(NamedTuple):
    """What article `n` says about 2023, each string carrying its case's payload."""

    title: str
    publisher: str  # numbered: reconciliation takes " x" and "X" for one publisher
    written: str
    quote: str
    file: str


def _texts(n: int, case: Case) -> Texts:
    written = f"{n + 1} million tons {case.payload}"
    return Texts(
        title=case.payload,
        publisher=f"{case.payload} (paper {n})",
        written=written,
        quote=f"It said {written} for 2023.",
        file=f"{n:02d} {case.payload}.md" if "/" not in case.payload else f"{n:02d}.md",
    )


TEXTS = [_texts(n, case) for n, case in enumerate(CASES)]

# More claims of some articles, as (article, metric, entity, value, period, status): a
# forecast that an actual meets, a target brought forward, and a hostile entity's series.
MORE = [
    (0, "titr_cargo_volume", "TITR", 1e7, "2030", "target"),
    (1, "titr_cargo_volume", "TITR", 4.2e6, "2024", "forecast"),
    (1, "titr_cargo_volume", "TITR", 1e7, "2027", "target"),
    (2, "port_cargo_throughput", ENTITY, 3e5, "2022", "actual"),
    (2, "port_cargo_throughput", ENTITY, 5e5, "2023", "actual"),
    (3, "port_cargo_throughput", ENTITY, 9e5, "2023", "actual"),
]
Row = tuple[str, str, float, str, str, str]  # metric, entity, value (t), period, status, written


def _articles() -> dict[str, tuple[dict[str, str], list[Row]]]:
    """File name -> (front matter, claims)."""
    articles: dict[str, tuple[dict[str, str], list[Row]]] = {}
    for n, (case, texts) in enumerate(zip(CASES, TEXTS, strict=True)):
        published = date(2024, 1, 1) + timedelta(days=10 * n)
        fields = {"title": texts.title, "publisher": texts.publisher, "url": case.url,
                  "published": published.isoformat()}  # fmt: skip
        rows: list[Row] = [("titr_cargo_volume", "TITR", (n + 1) * 1e6, "2023", "actual", texts.written)]  # fmt: skip
        rows += [(metric, entity, value, period, status, f"{value / 1e6:g} million tons {case.payload}")
                 for k, metric, entity, value, period, status in MORE if k == n]  # fmt: skip
        articles[texts.file] = (fields, rows)
    articles["untitled.md"] = (
        {"url": UNTITLED_URL, "publisher": "Untitled", "published": "2025-01-10"},
        [("titr_cargo_volume", "TITR", 4.5e6, "2024", "actual", "4.5 million tons")],
    )
    return articles


ARTICLES = _articles()


def _front_matter(fields: dict[str, str]) -> str:
    """YAML front matter; each value a JSON string, which YAML reads as a quoted scalar."""
    return "".join(f"{key}: {json.dumps(value)}\n" for key, value in fields.items())


def _extract(document: Document) -> list[Claim]:
    """The claims of `ARTICLES`, each quoting its figure as written."""
    claims = []
    for n, (metric, entity, value, period, status, written) in enumerate(
        ARTICLES[Path(document.path).name][1]
    ):
        p = period_from_label(period)
        claims.append(Claim(
            claim_id=f"{document.source_id}-{n}", source_id=document.source_id, metric=metric,
            entity=entity, value=value, unit="t", value_text=written, period=period,
            period_start=p.start, period_end=p.end, status=status, measure="level",
            base_period=None, qualifier="exact", quote=f"It said {written} for {period}.",
            char_start=n, char_end=n + 1, extractor="test",
        ))  # fmt: skip
    return claims


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("untrusted")
    docs = root / "docs"
    docs.mkdir()
    for name, (fields, _) in ARTICLES.items():
        (docs / name).write_text(f"---\n{_front_matter(fields)}---\nBody.\n", encoding="utf-8")
    with Store(root / "m.duckdb") as store:
        summary = ingest(store, [docs], extractor=_extract)
        assert not summary.failed, summary.failed
        write_report(store, root / "out" / "index.html", title="Untrusted sources")
    return root / "out" / "index.html"


# --- the page as parsed --------------------------------------------------------------------


class _Page(HTMLParser):
    """Every element with its attributes, script contents, links, headings, and the text
    of each table cell by the section it is in."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.links: list[tuple[str, str]] = []  # href, text
        self.cells: dict[str, list[str]] = {}
        self.headings: list[str] = []
        self._section = ""
        self._open: dict[str, tuple[dict[str, str | None], list[str]]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag == "section":
            self._section = dict(attrs).get("id") or ""
        if tag in ("script", "a", "td", "h3"):
            self._open[tag] = (dict(attrs), [])

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._open:
            return
        attrs, parts = self._open.pop(tag)
        text = "".join(parts)
        if tag == "script":
            self.scripts.append((attrs, text))
        elif tag == "a":
            self.links.append((attrs.get("href") or "", text))
        elif tag == "td":
            self.cells.setdefault(self._section, []).append(text)
        else:
            self.headings.append(text)

    def handle_data(self, data: str) -> None:
        for _, parts in self._open.values():
            parts.append(data)


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    return page


@pytest.fixture(scope="module")
def raw(report: Path) -> str:
    return report.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(raw: str) -> _Page:
    return _parse(raw)


TEMPLATES = resources.files("metrics.report").joinpath("templates")
TEMPLATE = "".join(  # the base and every partial, each included once
    t.read_text("utf-8") for t in sorted(TEMPLATES.iterdir(), key=lambda t: t.name)
)
TEMPLATE_TAGS = set(re.findall(r"<([a-z][a-z0-9]*)", TEMPLATE))
BASE = TEMPLATES.joinpath("base.html.j2").read_text("utf-8")
BOOT_SCRIPT = re.findall(r"<script>(.*?)</script>", BASE, re.DOTALL)[-1]
SCRIPT_SCHEME = re.compile(r"javascript:|vbscript:|livescript:|data:text/html", re.IGNORECASE)
FRAMES = {"iframe", "frame", "object", "embed", "img", "base", "form", "link"}  # plotly adds svg


def _squeezed(text: str) -> str:
    """`text` without whitespace or control characters, as a browser reads a URL scheme."""
    return re.sub(r"[\s\x00-\x1f]+", "", text)


def _handlers(page: _Page) -> list[tuple[str, str]]:
    return [(tag, name) for tag, attrs in page.elements for name in attrs if name.startswith("on")]


def _scheme_attributes(page: _Page) -> list[tuple[str, str, str]]:
    """Attributes that name a script-running URL scheme anywhere, however spaced out."""
    return [
        (tag, name, value)
        for tag, attrs in page.elements
        for name, value in attrs.items()
        if value and SCRIPT_SCHEME.search(_squeezed(html.unescape(value)))
    ]


def test_every_element_is_one_the_template_writes(page: _Page, raw: str) -> None:
    tags = [tag for tag, _ in page.elements]
    assert set(tags) <= TEMPLATE_TAGS, set(tags) - TEMPLATE_TAGS
    assert not (FRAMES | {"svg"}) & set(tags)
    for tag in ("title", "style", "meta"):  # as many as the template writes: none added
        assert tags.count(tag) == TEMPLATE.count(f"<{tag}"), tag
    assert tags.count("script") == 3 + raw.count('<div class="chart"')  # one figure each


def test_every_script_is_plotly_a_figure_or_the_page_s_own(page: _Page, raw: str) -> None:
    code = [text for attrs, text in page.scripts if attrs.get("type") != "application/json"]
    assert code == [plotly_basic_js(), BOOT_SCRIPT]
    assert not any("src" in attrs for attrs, _ in page.scripts)
    data = [
        (attrs, text) for attrs, text in page.scripts if attrs.get("type") == "application/json"
    ]
    figures = [attrs for attrs, _ in data if attrs.get("class") == "figure"]
    assert [attrs.get("id") for attrs, _ in data if attrs not in figures] == ["plotly-template"]
    assert len(figures) == raw.count('<div class="chart"') == 2
    for _, text in data:
        assert "<" not in text and ">" not in text  # cannot end its element: \u003c
        json.loads(text)


def test_no_element_has_an_event_handler(page: _Page) -> None:
    assert _handlers(page) == []


def test_every_link_is_to_the_web_the_page_or_a_csv(page: _Page) -> None:
    urls = [
        (tag, name, value or "")
        for tag, attrs in page.elements
        for name, value in attrs.items()
        if name in ("href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "poster")
    ]
    assert len(urls) > len(CASES)
    for tag, name, url in urls:
        assert (tag, name) == ("a", "href"), (tag, name, url)
        assert re.match(r"https?://|#[\w-]+$|data:text/csv;charset=utf-8,[\w.~%/-]*$", url), url


def test_no_csv_cell_is_a_spreadsheet_formula(page: _Page) -> None:
    """A spreadsheet runs a cell starting with = + - @ as a formula; a leading ' makes it text."""
    cells = [
        cell
        for _, attrs in page.elements
        if (attrs.get("href") or "").startswith("data:text/csv")
        for row in csv.reader(io.StringIO(urllib.parse.unquote(attrs["href"].split(",", 1)[1])))
        for cell in row
    ]
    quoted = [cell for cell in cells if cell.startswith("'")]
    assert any(cell.startswith("'=HYPERLINK(") for cell in quoted)
    assert any(cell.startswith("'@SUM(") for cell in quoted)
    formulas = [c for c in cells if c[:1] in "=+-@\t\r" and not re.fullmatch(r"-[\d.]+", c)]
    assert formulas == []


def test_no_attribute_names_a_script_scheme(page: _Page) -> None:
    assert _scheme_attributes(page) == []


@pytest.mark.parametrize("n", range(len(CASES)), ids=IDS)
def test_each_string_is_text_in_the_tables(n: int, raw: str, page: _Page) -> None:
    """Each string is in the page, escaped, and reads back as the same text: title,
    publisher and file in the sources, publisher, figure and quote in the conflicts."""
    case, texts = CASES[n], TEXTS[n]
    assert str(markupsafe.escape(case.payload)) in raw
    assert {texts.title, texts.publisher, texts.file} <= set(page.cells["sources"])
    assert {texts.publisher, texts.written, texts.quote} <= set(page.cells["conflicts"])


@pytest.mark.parametrize("n", range(len(CASES)), ids=IDS)
def test_only_a_web_url_is_a_link(n: int, page: _Page) -> None:
    case, texts = CASES[n], TEXTS[n]
    linked = {href for href, text in page.links if text in (texts.title, texts.publisher)}
    if case.url.startswith(WEB):
        assert linked == {case.url}  # title and publisher link to it, escaped
    else:
        assert linked == set()  # shown as text only
        assert not any(_squeezed(case.url) in _squeezed(href) for href, _ in page.links)


def test_a_link_without_a_title_shows_its_url_as_text(page: _Page) -> None:
    assert (UNTITLED_URL, UNTITLED_URL) in page.links


def test_the_tables_of_forecasts_and_targets_hold_the_strings_as_text(page: _Page) -> None:
    forecasts, targets = page.cells["forecasts"], page.cells["targets"]
    assert {f"4.2 million tons {CASES[1].payload}", TEXTS[1].publisher} <= set(forecasts)
    assert f"It said 10 million tons {CASES[0].payload} for 2030." in targets
    assert f"It said 10 million tons {CASES[1].payload} for 2027." in targets


def test_the_hostile_entity_is_text(raw: str, page: _Page) -> None:
    assert ENTITY not in raw and str(markupsafe.escape(ENTITY)) in raw
    assert sum(ENTITY in heading for heading in page.headings) == 2  # chart and conflict
    labels = [attrs.get("aria-label") or "" for tag, attrs in page.elements if tag == "div"]
    assert any(ENTITY in label for label in labels)


def test_template_syntax_is_not_evaluated(raw: str) -> None:
    assert "{{ 123456789 * 9 }}{% if false %}hidden" in raw and "1111111101" not in raw


# --- hover text in the figure JSON ---------------------------------------------------------

# The entities plotly decodes in text it renders (svg_text_utils): numeric ones, and these.
PLOTLY_ENTITY = re.compile(r"&(#\d+|#x[\da-fA-F]+|mu|amp|lt|gt|nbsp|times|plusmn|deg);")


def _as_plotly_shows(text: str) -> str:
    """Hover text as plotly puts it on screen, `<br>` as a space: the entities it knows
    decoded, anything else shown as written."""

    def decode(match: re.Match[str]) -> str:
        ref = match[1]
        if ref.startswith("#"):
            return chr(int(ref[2:], 16) if ref[1] in "xX" else int(ref[1:]))
        return html.unescape(match[0])

    return PLOTLY_ENTITY.sub(decode, text.replace("<br>", " "))


def _figures(page: _Page) -> list[dict[str, Any]]:
    return [json.loads(text) for attrs, text in page.scripts if attrs.get("class") == "figure"]


def _hover_strings(page: _Page) -> list[str]:
    return [
        value
        for figure in _figures(page)
        for trace in figure["data"]
        for point in trace.get("customdata") or []
        for value in point
    ]


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return []


def test_hover_strings_are_escaped_text(page: _Page) -> None:
    """Plotly reads tags and entities in hover text: `<br>` is the only tag, and every
    `&` starts an entity plotly decodes, so `&lt;` in a source stays `&lt;` on screen."""
    strings = _hover_strings(page)
    assert len(strings) >= 5 * len(CASES)
    for value in strings:
        for line in value.split("<br>"):
            assert "<" not in line and ">" not in line, value
            assert "&" not in PLOTLY_ENTITY.sub("", line), value


def test_no_other_figure_string_holds_markup(page: _Page) -> None:
    """Trace names, annotations and axis titles are rendered as HTML too."""
    for figure in _figures(page):
        for trace in figure["data"]:
            assert trace.pop("hovertemplate", HOVER) == HOVER  # the report's own markup
            trace.pop("customdata", None)
        for value in _strings(figure):
            assert "<" not in value and "&" not in PLOTLY_ENTITY.sub("", value), value


@pytest.mark.parametrize("n", range(len(CASES)), ids=IDS)
def test_each_string_is_escaped_in_the_hover(n: int, page: _Page) -> None:
    """Plotly shows publisher, figure and quote as the source wrote them (whitespace aside:
    the quote is wrapped)."""
    texts = TEXTS[n]
    shown = [_as_plotly_shows(s) for s in _hover_strings(page)]
    assert texts.publisher in shown
    assert texts.written in shown
    assert " ".join(texts.quote.split()) in [" ".join(s.split()) for s in shown]


# --- a real browser ------------------------------------------------------------------------

DIALOG_HOOK = """<script>
(function () {
  var root = document.documentElement;
  function note(name, value) {
    root.setAttribute(name, (root.getAttribute(name) || "") + "[" + String(value) + "]");
  }
  ["alert", "confirm", "prompt", "print", "open"].forEach(function (name) {
    window[name] = function (message) { note("data-dialog", name + ":" + message); };
  });
  window.addEventListener("error", function (e) {
    note("data-js-error", e.message || (e.target && e.target.outerHTML) || "error");
  }, true);
})();
</script>"""
HOVER_PROBE = """<script>
window.addEventListener("load", function () {
  var jobs = [], seen = [];
  document.querySelectorAll("div.chart").forEach(function (gd) {
    gd.data.forEach(function (trace, c) {
      if (trace.hoverinfo === "skip") return;
      for (var p = 0; p < trace.x.length; p++) jobs.push([gd, c, p]);
    });
  });
  function next() {
    if (!jobs.length) {
      var out = document.createElement("pre");
      out.id = "hover-probe";
      out.textContent = JSON.stringify(seen);
      document.body.appendChild(out);
      return;
    }
    var job = jobs.shift();
    Plotly.Fx.hover(job[0], [{curveNumber: job[1], pointNumber: job[2]}]);
    setTimeout(function () {
      var layer = job[0].querySelector(".hoverlayer");
      seen.push({text: layer.textContent, markup: layer.innerHTML});
      next();
    }, 80);  /* plotly draws at most one hover per 50 ms */
  }
  next();
});
</script>"""


class _Browsed(NamedTuple):
    dom: str  # the page after its scripts ran
    stderr: str


def _run(chromium: str, page: str, tmp: Path) -> _Browsed:
    """`page` opened in Chromium, with the DOM as its scripts left it. A dialog the hook
    does not reach (one in a frame) waits for a click: the timeout fails the test."""
    path = tmp / "page.html"
    path.write_text(page, encoding="utf-8")
    command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp / 'profile'}",
               "--enable-logging=stderr", "--v=0", "--dump-dom", path.as_uri()]  # fmt: skip
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("the page hung: a dialog outside the hook, or a script that never ends")
    assert result.returncode == 0, result.stderr[-2000:]
    return _Browsed(result.stdout, result.stderr)


def _hooked(text: str) -> str:
    return text.replace("<head>", "<head>" + DIALOG_HOOK, 1)


def _root_attribute(dom: str, name: str) -> str | None:
    (root,) = [attrs for tag, attrs in _parse(dom).elements if tag == "html"]
    return root.get(name)


@pytest.fixture(scope="module")
def browsed(chromium: str, raw: str, tmp_path_factory: pytest.TempPathFactory) -> _Browsed:
    page = _hooked(raw).replace("</body>", HOVER_PROBE + "</body>", 1)
    return _run(chromium, page, tmp_path_factory.mktemp("browser"))


def test_the_hook_records_a_live_payload(chromium: str, tmp_path: Path) -> None:
    """The browser checks can fail: the same hook catches live scripts and handlers."""
    live = (
        "<!DOCTYPE html><html><head><title>t</title></head><body><script>confirm(1)</script>"
        "<img src=x onerror=alert(2)><script>broken(</script></body></html>"
    )
    dom = _run(chromium, _hooked(live), tmp_path).dom
    assert _root_attribute(dom, "data-dialog") == "[confirm:1][alert:2]"
    assert "SyntaxError" in (_root_attribute(dom, "data-js-error") or "")


def test_no_dialog_no_error_and_every_chart_drawn(browsed: _Browsed, raw: str) -> None:
    assert _root_attribute(browsed.dom, "data-dialog") is None
    assert _root_attribute(browsed.dom, "data-js-error") is None
    assert "Uncaught" not in browsed.stderr
    charts = raw.count('<div class="chart"')
    assert browsed.dom.count('class="main-svg"') >= 2 * charts >= 4  # two svgs per chart


def test_the_live_page_gained_no_handler_frame_script_or_link(browsed: _Browsed, page: _Page) -> None:  # fmt: skip
    live = _parse(browsed.dom)
    assert not FRAMES & {tag for tag, _ in live.elements}
    assert _handlers(live) == []
    assert len(live.scripts) == len(page.scripts) + 2  # the hook and the hover probe
    assert _scheme_attributes(live) == []


@pytest.fixture(scope="module")
def hovers(browsed: _Browsed) -> list[dict[str, str]]:
    """The text and markup of the hover label plotly drew for each point."""
    (probe,) = re.findall(r'<pre id="hover-probe">(.*?)</pre>', browsed.dom, re.DOTALL)
    found: list[dict[str, str]] = json.loads(html.unescape(probe))
    assert len(found) >= len(CASES) + 5
    return found


def test_hover_labels_hold_no_markup_from_sources(hovers: list[dict[str, str]]) -> None:
    for hover in hovers:
        tags = set(re.findall(r"<([a-zA-Z][\w:-]*)", hover["markup"]))
        assert tags <= {"g", "path", "text", "tspan", "rect"}, tags


@pytest.mark.parametrize("n", range(len(CASES)), ids=IDS)
def test_a_hover_label_shows_each_string_as_written(n: int, hovers: list[dict[str, str]]) -> None:
    """Whitespace aside (the quote is wrapped), the label reads exactly the source's text."""
    texts = TEXTS[n]
    shown = [_squeezed(hover["text"]) for hover in hovers]
    for text in (texts.publisher, texts.written, texts.quote):
        assert any(_squeezed(text) in label for label in shown), (text, shown)
