-- 006_startup_essentials.sql
-- What it adds: the roadmap's "startup essentials": analytics_events (every product event,
-- with response_time_ms for assistant replies), waitlist (with conversion tracking) and
-- user_feedback.
-- When: Phase 0 (already applied: "Use existing analytics_events table from migration 006").
-- Idempotent: yes.

CREATE TABLE IF NOT EXISTS analytics_events (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid REFERENCES auth.users (id) ON DELETE SET NULL,
    event_type text NOT NULL,
    properties jsonb NOT NULL DEFAULT '{}'::jsonb,
    response_time_ms integer,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS analytics_events_user_id_idx ON analytics_events (user_id, created_at);
CREATE INDEX IF NOT EXISTS analytics_events_created_at_idx ON analytics_events (created_at);
CREATE INDEX IF NOT EXISTS analytics_events_properties_idx ON analytics_events USING gin (properties);

CREATE TABLE IF NOT EXISTS waitlist (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text NOT NULL UNIQUE,
    referral_source text,
    created_at timestamptz NOT NULL DEFAULT now(),
    invited_at timestamptz,
    converted_at timestamptz,
    user_id uuid REFERENCES auth.users (id) ON DELETE SET NULL
);

CREATE INDEX IF NOT EXISTS waitlist_user_id_idx ON waitlist (user_id);

CREATE TABLE IF NOT EXISTS user_feedback (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    rating integer CHECK (rating BETWEEN 1 AND 5),
    message text,
    page text,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS user_feedback_user_id_idx ON user_feedback (user_id);

ALTER TABLE analytics_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE waitlist ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_feedback ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS analytics_events_insert_own ON analytics_events;
CREATE POLICY analytics_events_insert_own ON analytics_events FOR INSERT TO authenticated WITH CHECK (user_id = auth.uid());
DROP POLICY IF EXISTS analytics_events_select_own ON analytics_events;
CREATE POLICY analytics_events_select_own ON analytics_events FOR SELECT TO authenticated USING (user_id = auth.uid());
DROP POLICY IF EXISTS waitlist_join ON waitlist;
CREATE POLICY waitlist_join ON waitlist FOR INSERT TO anon, authenticated WITH CHECK (true);
DROP POLICY IF EXISTS waitlist_select_own ON waitlist;
CREATE POLICY waitlist_select_own ON waitlist FOR SELECT TO authenticated USING (user_id = auth.uid());
DROP POLICY IF EXISTS user_feedback_own ON user_feedback;
CREATE POLICY user_feedback_own ON user_feedback FOR ALL TO authenticated
    USING (user_id = auth.uid()) WITH CHECK (user_id = auth.uid());
