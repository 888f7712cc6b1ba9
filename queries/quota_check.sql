-- name: quota_check
-- measures: the quota check before a message is sent: the user's messages since midnight
-- (the index on (user_id, created_at)), against the tier's messages_per_day.
-- source: the product's hot path (migration 005's usage_quotas; roadmap Phase 3 "Tiered Pricing").
-- portable: yes
-- per: message
-- count: 0.5
-- (half of the messages are the user's; the replies are not checked)
SELECT q.messages_per_day, (
    SELECT COUNT(*) FROM chat_messages m
    WHERE m.user_id = p.id AND m.role = 'user' AND m.created_at >= CURRENT_DATE
) AS sent_today
FROM profiles p
JOIN usage_quotas q ON q.tier = p.tier
WHERE p.id = (SELECT user_id FROM chat_messages ORDER BY created_at DESC LIMIT 1);
