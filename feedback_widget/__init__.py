"""The "Was this article helpful?" widget and the endpoint that keeps the votes.

Other reports read the votes through `read_summary(db_path)`: per-article helpful / not-helpful counts, the
helpful rate and the latest comments.
"""

from .reports import read_summary

__all__ = ["read_summary"]
