"""Extract: turn a read document into claims, from its prose and from its tables.

Prose is cut into paragraphs, sentences and clauses (`segment`), and each figure is read
against the cue words around it (`cues`, `prose`, `dating`); a table's figures are read
through the labels of their row and column (`tables`). What both must decide alike, a
figure's status and the period of an undated one, is written once in `rules`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from metrics.extract.prose import ProseExtractor, may_hold_claims
from metrics.extract.provenance import with_provenance
from metrics.extract.screen import catalog_screen
from metrics.extract.segment import sentences
from metrics.extract.tables import require_readable_tables, table_claims
from metrics.lexicon.catalog import Catalog, load_catalog
from metrics.models import Claim, Document

__all__ = [
    "extract_claims",
    "extract_text",
    "require_readable_tables",
    "table_claims",
]


def extract_claims(document: Document, catalog: Catalog | None = None) -> list[Claim]:
    """Every claim in `document`: its prose's in text order, then its tables'.

    The same document gives the same claims. Prose claims carry who states them and their
    scope where the text says (`provenance`); table claims have neither yet.
    """
    catalog = catalog or load_catalog()
    prose = replace(document, text=document.prose, tables=()) if document.tables else document
    screen = catalog_screen(catalog)
    hits = screen.screen.hits(prose.text) if screen is not None else None
    if hits == []:
        return table_claims(document, catalog)  # an article on something else
    cut = sentences(prose.text, prose.published)
    if hits is None and not may_hold_claims(cut, prose.text, catalog):
        return table_claims(document, catalog)
    if screen is not None and hits:
        screen.mark(cut, hits)
    prose_claims = with_provenance(prose.text, ProseExtractor(prose, catalog, cut).run())
    return prose_claims + table_claims(document, catalog)


def extract_text(
    text: str, published: date | None = None, path: str = "<text>", title: str | None = None
) -> list[Claim]:
    """Claims of a bare text, as if it were a document published on `published`."""
    return extract_claims(Document(path=path, text=text, published=published, title=title))
