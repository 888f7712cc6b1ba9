-- name: daily_active_users
-- measures: users with at least one analytics event today (DAU).
-- source: roadmap, Phase 0 "Key Metrics to Track".
-- portable: yes
SELECT COUNT(DISTINCT user_id) AS daily_active_users FROM analytics_events
WHERE DATE(created_at) = CURRENT_DATE;
