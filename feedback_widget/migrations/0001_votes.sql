-- Votes as kept: no IP address, no client id (see PRIVACY.md). Rows are only appended, ids in order, so a
-- batch of votes lands on a few pages at the end of the table: the cheapest possible commit.
CREATE TABLE votes (
    id INTEGER PRIMARY KEY,
    article TEXT NOT NULL,
    helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),
    reason TEXT CHECK (reason IN ('outdated', 'unclear', 'not_solved', 'missing')),
    comment TEXT CHECK (length(comment) <= 1000),
    day TEXT NOT NULL,           -- UTC day the vote was stored, YYYY-MM-DD
    created_at TEXT NOT NULL,    -- UTC time, to the second
    -- Counts a reader once per article and day: keyed hash of (client id or IP, article, day) under that day's
    -- salt. Set to NULL once the day is over. Not indexed: the writer keeps the day's keys in memory, and an
    -- index of random hashes would dirty one page per vote.
    dedupe_key TEXT
);

-- Days only grow, so this index is appended to as well; it finds the current day's votes after a restart.
CREATE INDEX votes_by_day ON votes (day);

-- One random salt per UTC day, deleted with that day's dedupe keys.
CREATE TABLE day_salts (
    day TEXT PRIMARY KEY,
    salt BLOB NOT NULL
);
