"""The notebook shows its tables and charts without a kernel (issue 19, item 10): on GitHub,
in nbviewer or `jupyter nbconvert --to html`, which show what the file holds and run
nothing. So notebooks/explore.ipynb is committed with its outputs, every chart both as
plotly's interactive output and as a PNG image (CI's nbmake run checks it still executes).
"""

from __future__ import annotations

import base64
import io
import json
import re

import pytest
from paths import ROOT

NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
PLOTLY = "application/vnd.plotly.v1+json"


@pytest.fixture(scope="module")
def cells() -> list[dict]:
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]


def test_every_code_cell_ran_in_order_without_an_error(cells: list[dict]) -> None:
    code = [cell for cell in cells if cell["cell_type"] == "code"]
    assert [cell["execution_count"] for cell in code] == list(range(1, len(code) + 1))
    outputs = [output for cell in code for output in cell["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert not [o for o in outputs if o.get("name") == "stderr"]


def test_tables_are_saved_as_html(cells: list[dict]) -> None:
    tables = [o["data"]["text/html"] for c in cells if c["cell_type"] == "code"
              for o in c["outputs"] if "text/html" in o.get("data", {})]  # fmt: skip
    assert len(tables) >= 8
    assert any("titr_cargo_volume" in "".join(table) for table in tables)


def test_every_chart_is_saved_as_an_image_beside_plotly_s_output(cells: list[dict]) -> None:
    from PIL import Image

    charted = [
        c for c in cells if c["cell_type"] == "code" and "fig.show()" in "".join(c["source"])
    ]
    assert len(charted) >= 2
    for cell in charted:
        (shown,) = [o for o in cell["outputs"] if o["output_type"] == "display_data"]
        assert {PLOTLY, "image/png"} <= set(shown["data"]), shown["data"].keys()
        image = Image.open(io.BytesIO(base64.b64decode(shown["data"]["image/png"])))
        assert image.size[0] >= 600 and image.size[1] >= 300
        assert len(set(image.convert("RGB").get_flattened_data())) > 20  # drawn, not a blank canvas
        assert shown["data"][PLOTLY]["data"], "the interactive output holds no trace"


def test_nothing_of_the_machine_that_ran_it_is_saved() -> None:
    text = NOTEBOOK.read_text(encoding="utf-8")
    assert not re.search(r"/(tmp|home|root|work|Users)/", text)
