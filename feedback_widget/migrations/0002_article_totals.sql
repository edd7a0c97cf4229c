-- Votes per article, kept by triggers in the same transaction as the votes themselves: the summary reads a few
-- pages instead of counting every vote, a batch of votes updates one or two pages, and the writer adds a whole
-- batch with a single statement. A vote deleted by hand (spam) leaves the totals right as well.
CREATE TABLE article_totals (
    article TEXT PRIMARY KEY,
    helpful INTEGER NOT NULL DEFAULT 0,
    not_helpful INTEGER NOT NULL DEFAULT 0
);

INSERT INTO article_totals (article, helpful, not_helpful)
SELECT article, sum(helpful), count(*) - sum(helpful) FROM votes GROUP BY article;

CREATE TRIGGER votes_counted AFTER INSERT ON votes
BEGIN
    INSERT INTO article_totals (article, helpful, not_helpful) VALUES (NEW.article, NEW.helpful, 1 - NEW.helpful)
    ON CONFLICT (article) DO UPDATE SET helpful = helpful + excluded.helpful, not_helpful = not_helpful + excluded.not_helpful;
END;

CREATE TRIGGER votes_recounted AFTER UPDATE OF helpful ON votes WHEN OLD.helpful != NEW.helpful
BEGIN
    UPDATE article_totals
    SET helpful = helpful + NEW.helpful - OLD.helpful, not_helpful = not_helpful + OLD.helpful - NEW.helpful
    WHERE article = NEW.article;
END;

CREATE TRIGGER votes_uncounted AFTER DELETE ON votes
BEGIN
    UPDATE article_totals SET helpful = helpful - OLD.helpful, not_helpful = not_helpful - (1 - OLD.helpful)
    WHERE article = OLD.article;
END;
