-- Indexes for the paginated lists at scale: the searches list in its order (newest first), and each search's
-- trials in ranking order (the leaderboard's first page and every search's best trial read the index's head).
CREATE INDEX IF NOT EXISTS searches_newest_first ON searches (started_at DESC NULLS LAST, search_id COLLATE "C");
CREATE INDEX IF NOT EXISTS trials_by_rank
    ON trials (search_id, best_val_loss, tokens_at_best, trial_id COLLATE "C");
