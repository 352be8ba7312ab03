-- A trial can run more than once: again after a lost executor (trial-level retry) or after its driver crashed and
-- the search was resumed. Every attempt's rows are kept; a trial's curve, progress and best loss are its latest
-- attempt's.
ALTER TABLE trials ADD COLUMN attempt integer NOT NULL DEFAULT 1;

ALTER TABLE step_metrics ADD COLUMN attempt integer NOT NULL DEFAULT 1;
ALTER TABLE step_metrics DROP CONSTRAINT step_metrics_pkey;
ALTER TABLE step_metrics ADD PRIMARY KEY (search_id, trial_id, attempt, step, worker);

ALTER TABLE evaluations ADD COLUMN attempt integer NOT NULL DEFAULT 1;
ALTER TABLE evaluations DROP CONSTRAINT evaluations_pkey;
ALTER TABLE evaluations ADD PRIMARY KEY (search_id, trial_id, attempt, step);
