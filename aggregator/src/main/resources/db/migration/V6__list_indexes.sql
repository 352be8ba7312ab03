-- Indexes for the paginated lists and downsampled curves at scale: the searches list in its order (newest first);
-- each search's trials in ranking order (the leaderboard's ranks and every search's best trial read only the
-- index); and the step loss carried in the primary key of step_metrics, so that downsampling a curve reads the
-- index alone (an index-only scan) instead of the table (half the time on a million steps). Ingest is unaffected:
-- it still writes one index per step, its ON CONFLICT DO NOTHING matches the same key.
CREATE INDEX searches_newest_first ON searches (started_at DESC NULLS LAST, search_id COLLATE "C");
CREATE INDEX trials_by_rank ON trials (search_id, best_val_loss, tokens_at_best, trial_id COLLATE "C");
ALTER TABLE step_metrics DROP CONSTRAINT step_metrics_pkey,
    ADD PRIMARY KEY (search_id, trial_id, attempt, step, worker) INCLUDE (loss);
