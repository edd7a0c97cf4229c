"""The "Was this article helpful?" widget and the endpoint that keeps the votes.

It imports nothing from kb: whoever starts the endpoint hands it the article manifest and, optionally, a
suggester (any callable that answers a typed query). Reports read the votes as the records of `summary.py`,
through `reports.read_feedback(db)`.
"""
