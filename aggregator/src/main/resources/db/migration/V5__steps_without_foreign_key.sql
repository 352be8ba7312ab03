-- Step metrics are the bulk of the store (a trial of 10,000 steps and 4 workers writes 40,000 rows). Their foreign
-- key checked each inserted row against trials, a third of the cost of ingesting a step; the writer creates a
-- trial's row in the same transaction before its steps, so the check never failed. Evaluations keep theirs.
ALTER TABLE step_metrics DROP CONSTRAINT step_metrics_search_id_trial_id_fkey;
