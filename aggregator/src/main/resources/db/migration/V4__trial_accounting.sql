-- What each trial cost and what it trained on, from its terminal event's accounting (null for trials whose
-- driver published none): parameters N, the search's training tokens D, executor-seconds (wall time x workers),
-- tokens processed, estimated FLOPs (6 N tokens), energy, emissions and money.
ALTER TABLE trials ADD COLUMN parameters bigint;
ALTER TABLE trials ADD COLUMN training_tokens bigint;
ALTER TABLE trials ADD COLUMN executor_seconds double precision;
ALTER TABLE trials ADD COLUMN accounted_tokens bigint;
ALTER TABLE trials ADD COLUMN flops double precision;
ALTER TABLE trials ADD COLUMN energy_kwh double precision;
ALTER TABLE trials ADD COLUMN co2_kg double precision;
ALTER TABLE trials ADD COLUMN cost double precision;
-- Why the trial looks overfitted (see OverfittingRule), null when it does not; recomputed from the stored curve
-- whenever the trial's steps, evaluations or accounting arrive, so arrival order does not matter.
ALTER TABLE trials ADD COLUMN overfitting text;
