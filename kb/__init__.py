"""kb: a self-service help center built from a folder of Markdown articles kept in git."""

__version__ = "0.1.0"
