-- 010_enterprise_performance.sql
-- What it adds: the roadmap's "Partitioning, read replicas, query optimization":
-- chat_messages and analytics_events become partitioned by month (with a default partition
-- and partitions from 24 months back to 12 ahead), a function that adds the partitions of
-- coming months, chat_messages_archive for the roadmap's "Archive old data" (older than six
-- months), and BRIN indexes for time-range scans of the archive. Read replicas are a
-- Supabase setting, not SQL.
-- When: Phase 4, "009-011_enterprise: At 15,000 users" (the Migration Schedule).
-- Idempotent: yes (the conversion runs only while a table is not yet partitioned).

-- Statement statistics for the slow-query check (queries/slow_queries.sql); Supabase has it on.
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;

-- Creates the monthly partitions parent_YYYY_MM for `months` months from `first_month`.
CREATE OR REPLACE FUNCTION create_monthly_partitions(parent text, first_month date, months integer)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    month_start date;
BEGIN
    FOR i IN 0 .. months - 1 LOOP
        month_start := (date_trunc('month', first_month) + make_interval(months => i))::date;
        EXECUTE format(
            'CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
            parent || '_' || to_char(month_start, 'YYYY_MM'), parent,
            month_start, (month_start + interval '1 month')::date);
    END LOOP;
END;
$$;

DO $$
BEGIN
    IF (SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relname = 'chat_messages') = 'r' THEN
        -- Views over the table are dropped with it and created again below.
        DROP MATERIALIZED VIEW IF EXISTS recent_messages_cache;
        ALTER TABLE chat_messages RENAME TO chat_messages_unpartitioned;
        CREATE TABLE chat_messages (
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
            user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
            role text NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
            content text NOT NULL,
            prompt_tokens integer NOT NULL DEFAULT 0,
            completion_tokens integer NOT NULL DEFAULT 0,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (id, created_at)
        ) PARTITION BY RANGE (created_at);
        CREATE TABLE chat_messages_default PARTITION OF chat_messages DEFAULT;
        PERFORM create_monthly_partitions('chat_messages', (date_trunc('month', now()) - interval '24 months')::date, 36);
        INSERT INTO chat_messages SELECT * FROM chat_messages_unpartitioned;
        DROP TABLE chat_messages_unpartitioned;
    END IF;

    IF (SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relname = 'analytics_events') = 'r' THEN
        DROP MATERIALIZED VIEW IF EXISTS user_cohorts;
        ALTER TABLE analytics_events RENAME TO analytics_events_unpartitioned;
        CREATE TABLE analytics_events (
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            user_id uuid REFERENCES auth.users (id) ON DELETE SET NULL,
            event_type text NOT NULL,
            properties jsonb NOT NULL DEFAULT '{}'::jsonb,
            response_time_ms integer,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (id, created_at)
        ) PARTITION BY RANGE (created_at);
        CREATE TABLE analytics_events_default PARTITION OF analytics_events DEFAULT;
        PERFORM create_monthly_partitions('analytics_events', (date_trunc('month', now()) - interval '24 months')::date, 36);
        INSERT INTO analytics_events SELECT * FROM analytics_events_unpartitioned;
        DROP TABLE analytics_events_unpartitioned;
    END IF;
END
$$;

-- Indexes on the partitioned tables (created on every partition).
CREATE INDEX IF NOT EXISTS chat_messages_conversation_id_idx ON chat_messages (conversation_id, created_at);
CREATE INDEX IF NOT EXISTS chat_messages_user_id_idx ON chat_messages (user_id, created_at);
CREATE INDEX IF NOT EXISTS chat_messages_created_at_idx ON chat_messages (created_at);
CREATE INDEX IF NOT EXISTS analytics_events_user_id_idx ON analytics_events (user_id, created_at);
CREATE INDEX IF NOT EXISTS analytics_events_created_at_idx ON analytics_events (created_at);
CREATE INDEX IF NOT EXISTS analytics_events_properties_idx ON analytics_events USING gin (properties);

-- The views of 007, again over the partitioned tables.
CREATE MATERIALIZED VIEW IF NOT EXISTS user_cohorts AS
SELECT
    DATE_TRUNC('week', u.created_at) AS cohort_week,
    COUNT(DISTINCT u.id) AS cohort_size,
    COUNT(DISTINCT CASE WHEN ae.created_at > u.created_at + INTERVAL '7 days' THEN u.id END) AS week_1_retained
FROM auth.users u
LEFT JOIN analytics_events ae ON ae.user_id = u.id
GROUP BY 1
WITH DATA;
CREATE UNIQUE INDEX IF NOT EXISTS user_cohorts_cohort_week_idx ON user_cohorts (cohort_week);

CREATE MATERIALIZED VIEW IF NOT EXISTS recent_messages_cache AS
SELECT * FROM chat_messages
WHERE created_at > NOW() - INTERVAL '7 days'
WITH DATA;
CREATE UNIQUE INDEX IF NOT EXISTS recent_messages_cache_id_idx ON recent_messages_cache (id);
CREATE INDEX IF NOT EXISTS recent_messages_cache_conversation_id_idx ON recent_messages_cache (conversation_id, created_at);
CREATE INDEX IF NOT EXISTS recent_messages_cache_user_id_idx ON recent_messages_cache (user_id);
REVOKE ALL ON user_cohorts FROM anon, authenticated;
REVOKE ALL ON recent_messages_cache FROM anon, authenticated;

-- Row-level security of the new tables (partitions inherit the parent's policies).
ALTER TABLE chat_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics_events ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS chat_messages_select_own ON chat_messages;
CREATE POLICY chat_messages_select_own ON chat_messages FOR SELECT TO authenticated USING (user_id = auth.uid());
DROP POLICY IF EXISTS chat_messages_insert_own ON chat_messages;
CREATE POLICY chat_messages_insert_own ON chat_messages FOR INSERT TO authenticated WITH CHECK (user_id = auth.uid());
DROP POLICY IF EXISTS analytics_events_insert_own ON analytics_events;
CREATE POLICY analytics_events_insert_own ON analytics_events FOR INSERT TO authenticated WITH CHECK (user_id = auth.uid());
DROP POLICY IF EXISTS analytics_events_select_own ON analytics_events;
CREATE POLICY analytics_events_select_own ON analytics_events FOR SELECT TO authenticated USING (user_id = auth.uid());

-- Cold storage for messages older than six months (the roadmap's "Archive old data").
CREATE TABLE IF NOT EXISTS chat_messages_archive (
    id uuid NOT NULL,
    conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    role text NOT NULL,
    content text NOT NULL,
    prompt_tokens integer NOT NULL DEFAULT 0,
    completion_tokens integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (id, created_at)
);

CREATE INDEX IF NOT EXISTS chat_messages_archive_conversation_id_idx ON chat_messages_archive (conversation_id);
CREATE INDEX IF NOT EXISTS chat_messages_archive_user_id_idx ON chat_messages_archive (user_id);
CREATE INDEX IF NOT EXISTS chat_messages_archive_created_at_idx ON chat_messages_archive USING brin (created_at);

ALTER TABLE chat_messages_archive ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS chat_messages_archive_select_own ON chat_messages_archive;
CREATE POLICY chat_messages_archive_select_own ON chat_messages_archive FOR SELECT TO authenticated USING (user_id = auth.uid());
