"""Provenance: who a figure comes from, and which claims are not independent of each other.

An outlet's several houses are one originator, and a sentence republished word for word
by another outlet makes the two one origin: a majority counts origins, not articles.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from metrics.reconcile.settings import settings

_WORD = re.compile(r"\w+")  # a quote compared as its words: punctuation and case ignored


def originator(publisher: str | None) -> str | None:
    """Who a figure comes from, as a comparable key: the outlet a text was republished
    from, else the publisher without house words ("Kazinform International News Agency
    (Qazinform)" and "Kazinform" are both `kazinform`)."""
    if not isinstance(publisher, str) or not publisher.strip():
        return None  # pandas gives a missing publisher as NaN among named ones
    s = settings()
    if m := s.republished_from.search(publisher):
        publisher = m["origin"]
    name = re.sub(r"\([^)]*\)", " ", publisher).lower()
    words = [w for w in re.findall(r"[\w'&.-]+", name) if w not in s.publisher_noise]
    return " ".join(words) or publisher.lower()


def independent_origins(frame: pd.DataFrame) -> pd.Series:
    """A label per claim such that claims with one label are not independent: the same
    originator, or the same sentence republished by another outlet.

    Origins are linked only by sentences of one metric, so reconciling metric by metric
    gives the same groups as reconciling everything at once (the store partitions by
    metric to bound memory).
    """
    links = frame[["metric", "origin", "quote"]].drop_duplicates()
    links["text"] = [" ".join(_WORD.findall(quote)).lower() for quote in links["quote"]]
    links = links.drop_duplicates(["metric", "origin", "text"])
    shared = links[links.duplicated(["metric", "text"], keep=False)]
    shared = shared.sort_values(["metric", "text"], kind="stable")
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x: tuple[str, str]) -> tuple[str, str]:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    previous: tuple[Any, ...] = ()
    for metric, origin, text in zip(
        shared["metric"], shared["origin"], shared["text"], strict=True
    ):
        if previous[:2] == (metric, text):  # the same sentence from another origin
            parent[find((metric, origin))] = find((metric, previous[2]))
        previous = (metric, text, origin)
    pair, pairs = pd.MultiIndex.from_arrays([frame["metric"], frame["origin"]]).factorize()
    roots = [find(p) for p in pairs]
    labels = {root: n for n, root in enumerate(dict.fromkeys(roots))}
    return pd.Series(np.array([labels[r] for r in roots], dtype=np.int64)[pair], index=frame.index)
