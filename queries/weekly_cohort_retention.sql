-- name: weekly_cohort_retention
-- measures: each weekly sign-up cohort's size and how many of it came back after its
-- first week, read from the user_cohorts materialized view (migration 007; refresh it with
-- REFRESH MATERIALIZED VIEW user_cohorts, or refresh_user_cohorts(), before reading).
-- source: roadmap, Phase 1 "Simple cohort tracking view"; Phase 2-3 week-1 retention targets.
-- portable: yes
SELECT cohort_week, cohort_size, week_1_retained
FROM user_cohorts
ORDER BY cohort_week;
