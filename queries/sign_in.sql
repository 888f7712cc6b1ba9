-- name: sign_in
-- measures: signing in: the profile and its subscription (primary key and the index on
-- subscriptions.user_id), for the user of the latest message.
-- source: the product's hot path (migrations 001 and 004).
-- portable: yes
-- per: active_user_day
-- count: 1
SELECT p.id, p.display_name, p.tier, s.status, s.current_period_end
FROM profiles p
LEFT JOIN subscriptions s ON s.user_id = p.id AND s.status IN ('trialing', 'active', 'past_due')
WHERE p.id = (SELECT user_id FROM chat_messages ORDER BY created_at DESC LIMIT 1);
