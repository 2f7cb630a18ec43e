"""Provenance: who a figure comes from, and which claims are not independent of each other.

An outlet's several houses are one originator, and a sentence republished word for word
by another outlet makes the two one origin: a majority counts origins, not articles.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable

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


OriginRoots = dict[tuple[str, str], tuple[str, str]]
"""(metric, origin) -> the (metric, origin) standing for every origin linked to it by a
republished sentence; an origin linked to none is absent (it stands for itself)."""


def quote_words(quote: str) -> str:
    """A quote as its words, lower case: the text two republished sentences share."""
    return " ".join(_WORD.findall(quote)).lower()


class OriginLinks:
    """Origins linked by a shared sentence, gathered from `(metric, origin, text)`
    triples a slice of claims at a time (`text`: anything hashable that is equal exactly
    when the quotes' words are, such as the words or a digest of them and the metric)."""

    def __init__(self) -> None:
        self._first: dict[Hashable, tuple[str, str]] = {}  # (metric, text) -> first origin
        self._parent: dict[tuple[str, str], tuple[str, str]] = {}

    def _find(self, x: tuple[str, str]) -> tuple[str, str]:
        parent = self._parent
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def add(self, links: Iterable[tuple[str, str, Hashable]]) -> None:
        for metric, origin, text in links:
            first = self._first.setdefault((metric, text), (metric, origin))
            if first != (metric, origin):  # the same sentence from another origin
                self._parent[self._find((metric, origin))] = self._find(first)

    def roots(self) -> OriginRoots:
        return {node: self._find(node) for node in list(self._parent)}


def origin_roots(links: Iterable[tuple[str, str, Hashable]]) -> OriginRoots:
    """The origins linked by a shared sentence among `(metric, origin, text)` triples."""
    found = OriginLinks()
    found.add(links)
    return found.roots()


def independent_origins(frame: pd.DataFrame, roots: OriginRoots | None = None) -> pd.Series:
    """A label per claim such that claims with one label are not independent: the same
    originator, or the same sentence republished by another outlet.

    Origins are linked only by sentences of one metric, so reconciling metric by metric
    gives the same groups as reconciling everything at once (the store partitions by
    metric to bound memory). `roots` are the links of every claim of the frame's metrics,
    when the frame holds only some of them (`origin_roots`); labels are only ever
    compared with each other, never stored.
    """
    if roots is None:
        links = frame[["metric", "origin", "quote"]].drop_duplicates()
        roots = origin_roots(
            zip(links["metric"], links["origin"], map(quote_words, links["quote"]), strict=True)
        )
    pair, pairs = pd.MultiIndex.from_arrays([frame["metric"], frame["origin"]]).factorize()
    found = [roots.get(p, p) for p in pairs]
    labels = {root: n for n, root in enumerate(dict.fromkeys(found))}
    return pd.Series(np.array([labels[r] for r in found], dtype=np.int64)[pair], index=frame.index)
