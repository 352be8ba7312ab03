-- hpo_readonly: may read the results tables and nothing else; for dashboards (Grafana) and analysts. NOLOGIN, so it
-- holds no password: a deployment gives it to a login user of its own (docs/deployment.md). A role belongs to the
-- whole server, so it is created once, by the first migration that needs it, where this user may create roles;
-- elsewhere an administrator creates it (CREATE ROLE hpo_readonly NOLOGIN) and grants what the end of this script does.
-- A table added later is granted to hpo_readonly by the migration that adds it, if it holds results.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hpo_readonly') THEN
        BEGIN
            CREATE ROLE hpo_readonly NOLOGIN;
        EXCEPTION
            -- another database's migration created it meanwhile
            WHEN duplicate_object OR unique_violation THEN NULL;
            WHEN insufficient_privilege THEN
                RAISE WARNING 'role hpo_readonly not created: % may not create roles', current_user;
                RETURN;
        END;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO hpo_readonly', current_schema());
    GRANT SELECT ON searches, trials, step_metrics, evaluations, lifecycle_events TO hpo_readonly;
END
$$;
