-- Trials stopped early by the search's pruner end as PRUNED; successive halving also records the rung reached.
ALTER TABLE trials DROP CONSTRAINT trials_status_check;
ALTER TABLE trials ADD CONSTRAINT trials_status_check
    CHECK (status IN ('CREATED', 'RUNNING', 'COMPLETED', 'DIVERGED', 'FAILED', 'PRUNED'));
ALTER TABLE trials ADD COLUMN pruned_rung integer;
