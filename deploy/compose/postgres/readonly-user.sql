-- Grafana's database user hpo_grafana: it logs in with HPO_GRAFANA_DB_PASSWORD and holds only the role
-- hpo_readonly, to which the aggregator's migration V8 grants SELECT on the results tables. The postgres image runs
-- this (psql, as the owner) once, when its data volume is new; it may be run again: it changes only the password.
-- The aggregator creates hpo_readonly too; here it comes first, since the database is empty yet.
\set ON_ERROR_STOP on
\getenv grafana_password HPO_GRAFANA_DB_PASSWORD
SELECT 'CREATE ROLE hpo_readonly NOLOGIN'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hpo_readonly') \gexec
SELECT 'CREATE ROLE hpo_grafana LOGIN IN ROLE hpo_readonly'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hpo_grafana') \gexec
GRANT hpo_readonly TO hpo_grafana;
-- PostgreSQL before 15 lets every user create tables in the schema public; the owner (a superuser here) still may
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER ROLE hpo_grafana PASSWORD :'grafana_password';
