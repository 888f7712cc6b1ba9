-- 005_usage_quotas.sql
-- What it adds: usage_quotas (the roadmap's tiers: Free 10 messages/day, Starter $19
-- 100/day, Pro $49 500/day, Team $99 unlimited) and daily_usage (messages per user per day,
-- which the app checks against the quota).
-- When: Phase 0 (already applied); the prices are the roadmap's Phase 3 "Tiered Pricing".
-- Idempotent: yes.

CREATE TABLE IF NOT EXISTS usage_quotas (
    tier text PRIMARY KEY,
    price_usd numeric(10, 2) NOT NULL,
    messages_per_day integer
);

INSERT INTO usage_quotas (tier, price_usd, messages_per_day) VALUES
    ('free', 0, 10),
    ('starter', 19, 100),
    ('pro', 49, 500),
    ('team', 99, NULL)
ON CONFLICT (tier) DO NOTHING;

CREATE TABLE IF NOT EXISTS daily_usage (
    user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    day date NOT NULL,
    messages integer NOT NULL DEFAULT 0,
    tokens bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, day)
);

ALTER TABLE usage_quotas ENABLE ROW LEVEL SECURITY;
ALTER TABLE daily_usage ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS usage_quotas_read ON usage_quotas;
CREATE POLICY usage_quotas_read ON usage_quotas FOR SELECT TO anon, authenticated USING (true);
DROP POLICY IF EXISTS daily_usage_select_own ON daily_usage;
CREATE POLICY daily_usage_select_own ON daily_usage FOR SELECT TO authenticated USING (user_id = auth.uid());
