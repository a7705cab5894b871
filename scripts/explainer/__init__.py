"""Turn news articles into a structured MkDocs explainer site.

The pipeline reads top to bottom: ingest -> clean -> segment -> classify ->
render -> write. Every stage but the last is a pure function over the
frozen values in :mod:`explainer.model`; only :mod:`explainer.write` touches disk.
"""

__version__ = "0.1.0"
