"""The SQLite schema, one numbered SQL file per change (`0001_votes.sql`, `0002_...`).

Applied in order by `feedback_widget.migrate`; the number reached is kept in `PRAGMA user_version`. Never edit a
file that has shipped: add the next number instead.
"""
