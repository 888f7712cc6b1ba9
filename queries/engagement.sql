-- name: engagement
-- measures: mean and median messages per active user over the last 30 days.
-- source: roadmap, Phase 2 "Engagement metrics".
-- portable: yes (PERCENTILE_CONT ... WITHIN GROUP is emulated in SQLite by a registered aggregate)
SELECT
  AVG(messages_per_user) as avg_messages,
  PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY messages_per_user) as median_messages
FROM (
  SELECT user_id, COUNT(*) as messages_per_user
  FROM chat_messages
  WHERE created_at > NOW() - INTERVAL '30 days'
  GROUP BY user_id
) user_activity;
