-- 007_initial_scaling.sql
-- What it adds: the roadmap's Phase 2 performance work: the user_cohorts materialized view
-- (weekly sign-up cohorts and their week-1 retention, from Phase 1's "Simple cohort tracking
-- view"), the recent_messages_cache materialized view (the last 7 days of chat_messages)
-- and functions that refresh them.
-- When: Phase 2, "007_initial_scaling: At 500 users" (the Migration Schedule). The server
-- settings of the roadmap's 007 (ALTER SYSTEM) cannot run in a transaction: they are in
-- 007_initial_scaling_server_settings.sql.
-- Idempotent: yes.

CREATE MATERIALIZED VIEW IF NOT EXISTS user_cohorts AS
SELECT
    DATE_TRUNC('week', u.created_at) AS cohort_week,
    COUNT(DISTINCT u.id) AS cohort_size,
    COUNT(DISTINCT CASE WHEN ae.created_at > u.created_at + INTERVAL '7 days' THEN u.id END) AS week_1_retained
FROM auth.users u
LEFT JOIN analytics_events ae ON ae.user_id = u.id
GROUP BY 1
WITH DATA;

-- A unique index lets REFRESH ... CONCURRENTLY keep the view readable while it refreshes.
CREATE UNIQUE INDEX IF NOT EXISTS user_cohorts_cohort_week_idx ON user_cohorts (cohort_week);

CREATE MATERIALIZED VIEW IF NOT EXISTS recent_messages_cache AS
SELECT * FROM chat_messages
WHERE created_at > NOW() - INTERVAL '7 days'
WITH DATA;

CREATE UNIQUE INDEX IF NOT EXISTS recent_messages_cache_id_idx ON recent_messages_cache (id);
CREATE INDEX IF NOT EXISTS recent_messages_cache_conversation_id_idx ON recent_messages_cache (conversation_id, created_at);
CREATE INDEX IF NOT EXISTS recent_messages_cache_user_id_idx ON recent_messages_cache (user_id);

-- Refresh every hour (pg_cron or a scheduled edge function calls these).
CREATE OR REPLACE FUNCTION refresh_recent_messages()
RETURNS void AS $$
BEGIN
    REFRESH MATERIALIZED VIEW CONCURRENTLY recent_messages_cache;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION refresh_user_cohorts()
RETURNS void AS $$
BEGIN
    REFRESH MATERIALIZED VIEW CONCURRENTLY user_cohorts;
END;
$$ LANGUAGE plpgsql;

-- Materialized views bypass row-level security: only the service role reads them.
REVOKE ALL ON user_cohorts FROM anon, authenticated;
REVOKE ALL ON recent_messages_cache FROM anon, authenticated;
