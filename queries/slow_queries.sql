-- name: slow_queries
-- measures: statements whose mean execution time is over 100 ms (needs the
-- pg_stat_statements extension, loaded by shared_preload_libraries; on Supabase it is on).
-- source: roadmap, "Migration Execution Guide", "Check for slow queries".
-- portable: no (postgres-only: pg_stat_statements has no SQLite equivalent)
SELECT query, calls, mean_exec_time
FROM pg_stat_statements
WHERE mean_exec_time > 100
ORDER BY mean_exec_time DESC;
