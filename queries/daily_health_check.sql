-- name: daily_health_check
-- measures: today's DAU, events and mean assistant response time.
-- source: roadmap, "Monitoring & Alerting Priorities", Phase 0-1 "Daily health check queries".
-- portable: yes
SELECT
  COUNT(DISTINCT user_id) as dau,
  COUNT(*) as total_messages,
  AVG(response_time_ms) as avg_response
FROM analytics_events
WHERE DATE(created_at) = CURRENT_DATE;
