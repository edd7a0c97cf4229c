-- One row that /healthz rewrites (at most once a second) to learn whether a vote could be written now: a real
-- commit through the writer, so a full disk, a lock held by another process or a file that became read-only
-- answer 503 before readers' votes do.
CREATE TABLE write_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at TEXT NOT NULL
);
