-- name: mrr
-- measures: paying users and MRR from the billing history.
-- source: roadmap, Phase 2 "Revenue metrics" (as written there: it sums every history row
-- whose status is active, so it is right while each subscription has one active row).
-- portable: yes
SELECT
  COUNT(DISTINCT user_id) as paying_users,
  SUM(amount) as mrr
FROM subscription_history
WHERE status = 'active';
