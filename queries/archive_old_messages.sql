-- name: archive_old_messages
-- measures: the archive move: copies messages older than six months into
-- chat_messages_archive (migration 010). Writes; its result is the number of rows moved.
-- source: roadmap, "Cost Optimization Strategies", Phase 3-4 "Archive old data".
-- portable: yes (writes)
INSERT INTO chat_messages_archive
SELECT * FROM chat_messages
WHERE created_at < NOW() - INTERVAL '6 months';
