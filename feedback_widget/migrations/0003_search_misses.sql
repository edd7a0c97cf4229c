-- Searches on the site that showed no result: the query text and language only, counted per UTC day.
-- Nothing about who searched is kept. Support leads read the most frequent ones in the coverage report.
CREATE TABLE search_misses (
    day TEXT NOT NULL,
    lang TEXT NOT NULL,
    query TEXT NOT NULL CHECK (length(query) <= 200),
    count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, lang, query)
) WITHOUT ROWID;
