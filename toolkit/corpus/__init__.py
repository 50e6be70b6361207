"""Documents, summits, briefs and manifests; the loaded project folder; adding articles; finding a passage again."""

from __future__ import annotations

from .articles import AddedArticle, NormalisedText, add_article, add_summit, normalise_text
from .briefs import BRIEF_FIELDS, REQUIRED_FIELDS, SOURCE_TYPES, brief_id, load_briefs
from .documents import Document, Segment, load_document, load_documents, segment, segments_frame, sentence_of
from .folder import DEFAULT_CONFIG, SET_NAME, ProjectFolder, as_folder, check_config
from .manifest import MANIFEST_COLUMNS, OPTIONAL_COLUMNS, SOURCE_KINDS, AddedArticles, add_articles
from .passages import (
    FUZZY_CANDIDATES,
    FUZZY_CUTOFF,
    MARGIN,
    MIN_SCORE,
    SIDE_MIN,
    WEIGHTS,
    Anchoring,
    Method,
    anchor,
    anchor_records,
    candidate_score,
    context_unchanged,
    fuzzy_windows,
    neighbours_agree,
    quote_hits,
    refine,
)
from .phases import PHASES, PRECISIONS, date_interval, derive_phase
from .summits import FORMATS, Summit, SummitFormat, load_summits, summits_frame

__all__ = [
    "AddedArticle",
    "AddedArticles",
    "Anchoring",
    "BRIEF_FIELDS",
    "DEFAULT_CONFIG",
    "Document",
    "FORMATS",
    "FUZZY_CANDIDATES",
    "FUZZY_CUTOFF",
    "MANIFEST_COLUMNS",
    "MARGIN",
    "MIN_SCORE",
    "Method",
    "NormalisedText",
    "OPTIONAL_COLUMNS",
    "PHASES",
    "PRECISIONS",
    "ProjectFolder",
    "REQUIRED_FIELDS",
    "SET_NAME",
    "SIDE_MIN",
    "SOURCE_KINDS",
    "SOURCE_TYPES",
    "Segment",
    "Summit",
    "SummitFormat",
    "WEIGHTS",
    "add_article",
    "add_articles",
    "add_summit",
    "anchor",
    "anchor_records",
    "as_folder",
    "brief_id",
    "candidate_score",
    "check_config",
    "context_unchanged",
    "date_interval",
    "derive_phase",
    "fuzzy_windows",
    "load_briefs",
    "load_document",
    "load_documents",
    "load_summits",
    "neighbours_agree",
    "normalise_text",
    "quote_hits",
    "refine",
    "segment",
    "segments_frame",
    "sentence_of",
    "summits_frame",
]
