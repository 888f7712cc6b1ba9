-- 004_subscriptions.sql
-- What it adds: subscriptions (a user's current plan and its Stripe ids) and
-- subscription_history (one row per billing event: the amount charged and the status).
-- When: Phase 0 (already applied); used from Phase 1 "Payment processing: 50 users".
-- Idempotent: yes.

CREATE TABLE IF NOT EXISTS subscriptions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    tier text NOT NULL CHECK (tier IN ('starter', 'pro', 'team')),
    status text NOT NULL CHECK (status IN ('trialing', 'active', 'past_due', 'canceled')),
    stripe_customer_id text,
    stripe_subscription_id text UNIQUE,
    current_period_start timestamptz,
    current_period_end timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    canceled_at timestamptz
);

CREATE INDEX IF NOT EXISTS subscriptions_user_id_idx ON subscriptions (user_id);

CREATE TABLE IF NOT EXISTS subscription_history (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    subscription_id uuid NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    tier text NOT NULL,
    status text NOT NULL CHECK (status IN ('trialing', 'active', 'past_due', 'canceled')),
    amount numeric(10, 2) NOT NULL DEFAULT 0,
    currency text NOT NULL DEFAULT 'usd',
    event text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS subscription_history_subscription_id_idx ON subscription_history (subscription_id);
CREATE INDEX IF NOT EXISTS subscription_history_user_id_idx ON subscription_history (user_id, created_at);
CREATE INDEX IF NOT EXISTS subscription_history_status_idx ON subscription_history (status);

ALTER TABLE subscriptions ENABLE ROW LEVEL SECURITY;
ALTER TABLE subscription_history ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS subscriptions_select_own ON subscriptions;
CREATE POLICY subscriptions_select_own ON subscriptions FOR SELECT TO authenticated USING (user_id = auth.uid());
DROP POLICY IF EXISTS subscription_history_select_own ON subscription_history;
CREATE POLICY subscription_history_select_own ON subscription_history FOR SELECT TO authenticated USING (user_id = auth.uid());
