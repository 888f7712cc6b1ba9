-- name: unused_indexes
-- measures: indexes never scanned since statistics were reset (candidates to drop).
-- source: roadmap, "Cost Optimization Strategies", Phase 3-4 "Drop unused indexes".
-- portable: no (postgres-only: pg_stat_user_indexes has no SQLite equivalent)
SELECT schemaname, relname AS tablename, indexrelname AS indexname, idx_scan
FROM pg_stat_user_indexes
WHERE idx_scan = 0;
