-- Results of hyperparameter searches, filled from the Kafka topics. Events of one trial can arrive in any
-- order and more than once, so every row is created by whichever event comes first and every natural key is unique.

CREATE TABLE searches (
    search_id   text PRIMARY KEY,
    name        text,
    spec_yaml   text,
    -- RUNNING until SEARCH_FINISHED arrives, then FINISHED; the driver's final verdict goes to outcome
    status      text NOT NULL CHECK (status IN ('RUNNING', 'FINISHED')),
    outcome     text,
    started_at  timestamptz,
    finished_at timestamptz
);

CREATE TABLE trials (
    search_id      text NOT NULL REFERENCES searches (search_id),
    trial_id       text NOT NULL,
    status         text NOT NULL CHECK (status IN ('CREATED', 'RUNNING', 'COMPLETED', 'DIVERGED', 'FAILED')),
    config         jsonb,
    created_at     timestamptz,
    started_at     timestamptz,
    ended_at       timestamptz,
    -- lowest finite validation loss so far; ties keep the evaluation with fewer tokens
    best_val_loss  double precision,
    best_val_step  bigint,
    tokens_at_best bigint,
    -- furthest step and token count reported by any event of the trial
    final_step     bigint,
    tokens_seen    bigint,
    reason         text,
    PRIMARY KEY (search_id, trial_id)
);

CREATE TABLE step_metrics (
    search_id     text NOT NULL,
    trial_id      text NOT NULL,
    step          bigint NOT NULL,
    worker        integer NOT NULL,
    tokens_seen   bigint NOT NULL,
    learning_rate double precision NOT NULL,
    -- NaN and Infinity are kept: they are how divergence shows
    loss          double precision NOT NULL,
    wall_time     timestamptz NOT NULL,
    PRIMARY KEY (search_id, trial_id, step, worker),
    FOREIGN KEY (search_id, trial_id) REFERENCES trials (search_id, trial_id)
);

CREATE TABLE evaluations (
    search_id   text NOT NULL,
    trial_id    text NOT NULL,
    step        bigint NOT NULL,
    val_loss    double precision NOT NULL,
    tokens_seen bigint NOT NULL,
    time        timestamptz NOT NULL,
    PRIMARY KEY (search_id, trial_id, step),
    FOREIGN KEY (search_id, trial_id) REFERENCES trials (search_id, trial_id)
);

CREATE TABLE lifecycle_events (
    event_id  text PRIMARY KEY,
    search_id text NOT NULL REFERENCES searches (search_id),
    trial_id  text,
    type      text NOT NULL,
    time      timestamptz NOT NULL,
    payload   jsonb NOT NULL
);

CREATE INDEX lifecycle_events_by_trial ON lifecycle_events (search_id, trial_id);
