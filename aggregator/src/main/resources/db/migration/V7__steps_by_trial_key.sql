-- Step metrics keyed by a trial's number instead of its search and trial ids. Every step row, and every entry of
-- its primary key, carried both ids as text; the key was most of the cost of inserting a step (PostgreSQL's
-- backend inserted 87,000 rows a second with it on the project's 2-core machine) and of the table's size. Trials
-- get a number of their own; the steps of the rows already stored are copied over with it.
ALTER TABLE trials ADD COLUMN trial_key bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE trials ADD CONSTRAINT trials_trial_key_key UNIQUE (trial_key);

CREATE TABLE step_metrics_by_key (
    trial_key     bigint NOT NULL,
    attempt       integer NOT NULL,
    step          bigint NOT NULL,
    worker        integer NOT NULL,
    tokens_seen   bigint NOT NULL,
    learning_rate double precision NOT NULL,
    -- NaN and Infinity are kept: they are how divergence shows
    loss          double precision NOT NULL,
    wall_time     timestamptz NOT NULL,
    -- the loss rides in the key so that downsampling a curve reads the index alone
    CONSTRAINT step_metrics_by_key_pkey PRIMARY KEY (trial_key, attempt, step, worker) INCLUDE (loss)
);
INSERT INTO step_metrics_by_key
SELECT t.trial_key, m.attempt, m.step, m.worker, m.tokens_seen, m.learning_rate, m.loss, m.wall_time
FROM step_metrics m JOIN trials t USING (search_id, trial_id);
DROP TABLE step_metrics;
ALTER TABLE step_metrics_by_key RENAME TO step_metrics;
ALTER TABLE step_metrics RENAME CONSTRAINT step_metrics_by_key_pkey TO step_metrics_pkey;
