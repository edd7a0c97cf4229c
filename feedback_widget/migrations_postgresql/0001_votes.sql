-- The PostgreSQL store's schema: what the SQLite store keeps (feedback_widget/migrations/), for several endpoint
-- instances at once. Votes as kept: no IP address, no client id (see PRIVACY.md).
CREATE TABLE votes (
    id bigserial PRIMARY KEY,
    article text NOT NULL,
    helpful boolean NOT NULL,
    reason text CHECK (reason IN ('outdated', 'unclear', 'not_solved', 'missing')),
    comment text CHECK (char_length(comment) <= 1000),
    day date NOT NULL,               -- UTC day the vote was stored
    created_at timestamptz NOT NULL, -- to the second; for a replaced vote, the time of the latest
    -- Keyed hash of (client id or IP, article, day) under the day's salt, NULL once the day is over. Unique, so
    -- instances that share the salt count a reader once whichever of them the reader reaches.
    dedupe_key text
);
CREATE UNIQUE INDEX votes_dedupe ON votes (dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX votes_by_day ON votes (day);
CREATE INDEX votes_by_article ON votes (article);

-- One random salt per UTC day, shared by every instance, deleted with that day's dedupe keys.
CREATE TABLE day_salts (
    day date PRIMARY KEY,
    salt bytea NOT NULL
);

CREATE TABLE search_misses (
    day date NOT NULL,
    lang text NOT NULL,
    query text NOT NULL CHECK (char_length(query) <= 200),
    count integer NOT NULL DEFAULT 0,
    PRIMARY KEY (day, lang, query)
);

-- The row /healthz rewrites to learn whether a vote could be written now.
CREATE TABLE write_probe (
    id integer PRIMARY KEY CHECK (id = 1),
    checked_at timestamptz NOT NULL
);
