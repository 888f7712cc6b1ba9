-- 007_initial_scaling_server_settings.sql
-- What it adds: the server settings of the roadmap's 007 ("Add connection pooling config").
-- When: with 007, on a self-hosted PostgreSQL only. On Supabase these are not user settings:
-- max_connections follows the compute size and pooling is Supavisor's (see FACTS-pricing's
-- compute table). Both take effect after a restart.
-- transaction: none (ALTER SYSTEM cannot run inside a transaction block: apply this file
-- with plain psql -f, not --single-transaction).
-- Idempotent: yes.

ALTER SYSTEM SET max_connections = 100;
ALTER SYSTEM SET shared_buffers = '256MB';
