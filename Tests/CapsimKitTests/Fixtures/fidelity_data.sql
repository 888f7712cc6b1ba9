-- A small fixed dataset for the fidelity test: loaded into PostgreSQL as written and into
-- SQLite through capsim's translator; every portable query must then agree on both.
-- Times are relative to now() so that "today" and "the last 30 days" hold whenever it runs.
SET session_replication_role = replica;

INSERT INTO auth.users (id, email, created_at) VALUES
    ('00000000-0000-4000-8000-000000000001', 'ada@example.com', now() - INTERVAL '40 days'),
    ('00000000-0000-4000-8000-000000000002', 'bo@example.com', now() - INTERVAL '39 days'),
    ('00000000-0000-4000-8000-000000000003', 'cy@example.com', now() - INTERVAL '20 days'),
    ('00000000-0000-4000-8000-000000000004', 'di@example.com', now() - INTERVAL '19 days'),
    ('00000000-0000-4000-8000-000000000005', 'ed@example.com', now() - INTERVAL '3 days'),
    ('00000000-0000-4000-8000-000000000006', 'fay@example.com', now() - INTERVAL '300 days');

INSERT INTO profiles (id, display_name, tier) VALUES
    ('00000000-0000-4000-8000-000000000001', 'Ada', 'pro'),
    ('00000000-0000-4000-8000-000000000002', 'Bo', 'starter'),
    ('00000000-0000-4000-8000-000000000003', 'Cy', 'free'),
    ('00000000-0000-4000-8000-000000000004', 'Di', 'team'),
    ('00000000-0000-4000-8000-000000000005', 'Ed', 'free'),
    ('00000000-0000-4000-8000-000000000006', 'Fay', 'starter');

INSERT INTO conversations (id, user_id, title, created_at, updated_at) VALUES
    ('10000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001', 'Plans', now() - INTERVAL '39 days', now() - INTERVAL '39 days'),
    ('10000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000002', 'Recipes', now() - INTERVAL '30 days', now() - INTERVAL '30 days'),
    ('10000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000003', 'Code', now() - INTERVAL '19 days', now() - INTERVAL '19 days'),
    ('10000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-000000000004', 'Team', now() - INTERVAL '18 days', now() - INTERVAL '18 days'),
    ('10000000-0000-4000-8000-000000000006', '00000000-0000-4000-8000-000000000006', 'Old', now() - INTERVAL '299 days', now() - INTERVAL '299 days');

INSERT INTO chat_messages (id, conversation_id, user_id, role, content, prompt_tokens, completion_tokens, created_at) VALUES
    ('30000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001', 'user', 'hello', 5, 0, date_trunc('day', now()) + INTERVAL '1 minute'),
    ('30000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001', 'assistant', 'hi, how can I help?', 0, 12, date_trunc('day', now()) + INTERVAL '2 minutes'),
    ('30000000-0000-4000-8000-000000000003', '10000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001', 'user', 'plan my week', 9, 0, now() - INTERVAL '2 days'),
    ('30000000-0000-4000-8000-000000000004', '10000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000002', 'user', 'a soup', 4, 0, now() - INTERVAL '5 days'),
    ('30000000-0000-4000-8000-000000000005', '10000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000002', 'assistant', 'try lentils', 0, 30, now() - INTERVAL '5 days'),
    ('30000000-0000-4000-8000-000000000006', '10000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000003', 'user', 'a loop', 6, 0, now() - INTERVAL '10 days'),
    ('30000000-0000-4000-8000-000000000007', '10000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000003', 'user', 'a map', 6, 0, now() - INTERVAL '11 days'),
    ('30000000-0000-4000-8000-000000000008', '10000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000003', 'user', 'a fold', 6, 0, now() - INTERVAL '12 days'),
    ('30000000-0000-4000-8000-000000000009', '10000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-000000000004', 'user', 'agenda', 3, 0, date_trunc('day', now()) + INTERVAL '3 minutes'),
    ('30000000-0000-4000-8000-000000000010', '10000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-000000000004', 'user', 'minutes', 3, 0, now() - INTERVAL '45 days'),
    ('30000000-0000-4000-8000-000000000011', '10000000-0000-4000-8000-000000000006', '00000000-0000-4000-8000-000000000006', 'user', 'ancient', 3, 0, now() - INTERVAL '250 days'),
    ('30000000-0000-4000-8000-000000000012', '10000000-0000-4000-8000-000000000006', '00000000-0000-4000-8000-000000000006', 'assistant', 'history', 0, 9, now() - INTERVAL '200 days');

INSERT INTO analytics_events (user_id, event_type, response_time_ms, created_at) VALUES
    ('00000000-0000-4000-8000-000000000001', 'message_sent', NULL, date_trunc('day', now()) + INTERVAL '1 minute'),
    ('00000000-0000-4000-8000-000000000001', 'response_received', 840, date_trunc('day', now()) + INTERVAL '2 minutes'),
    ('00000000-0000-4000-8000-000000000004', 'message_sent', NULL, date_trunc('day', now()) + INTERVAL '3 minutes'),
    ('00000000-0000-4000-8000-000000000004', 'response_received', 1310, date_trunc('day', now()) + INTERVAL '4 minutes'),
    ('00000000-0000-4000-8000-000000000002', 'session_start', NULL, now() - INTERVAL '5 days'),
    ('00000000-0000-4000-8000-000000000002', 'session_start', NULL, now() - INTERVAL '38 days'),
    ('00000000-0000-4000-8000-000000000003', 'session_start', NULL, now() - INTERVAL '10 days'),
    ('00000000-0000-4000-8000-000000000005', 'session_start', NULL, now() - INTERVAL '2 days'),
    ('00000000-0000-4000-8000-000000000006', 'session_start', NULL, now() - INTERVAL '250 days');

INSERT INTO subscriptions (id, user_id, tier, status, created_at) VALUES
    ('20000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001', 'pro', 'active', now() - INTERVAL '35 days'),
    ('20000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000002', 'starter', 'active', now() - INTERVAL '30 days'),
    ('20000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-000000000004', 'team', 'active', now() - INTERVAL '15 days'),
    ('20000000-0000-4000-8000-000000000006', '00000000-0000-4000-8000-000000000006', 'starter', 'canceled', now() - INTERVAL '290 days');

INSERT INTO subscription_history (subscription_id, user_id, tier, status, amount, event, created_at) VALUES
    ('20000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001', 'pro', 'active', 49.00, 'invoice.paid', now() - INTERVAL '5 days'),
    ('20000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000002', 'starter', 'active', 19.00, 'invoice.paid', now() - INTERVAL '1 day'),
    ('20000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-000000000004', 'team', 'active', 99.00, 'invoice.paid', now() - INTERVAL '15 days'),
    ('20000000-0000-4000-8000-000000000006', '00000000-0000-4000-8000-000000000006', 'starter', 'canceled', 19.00, 'customer.subscription.deleted', now() - INTERVAL '200 days');
