-- name: messages_today
-- measures: chat messages sent today.
-- source: roadmap, Phase 0 "Key Metrics to Track".
-- portable: yes
SELECT COUNT(*) AS total_messages FROM chat_messages
WHERE DATE(created_at) = CURRENT_DATE;
