-- name: load_conversation
-- measures: opening a conversation: its latest 50 messages, newest first (the index on
-- (conversation_id, created_at)), for the conversation of the latest message.
-- source: the product's hot path (migration 003).
-- portable: yes
-- per: active_user_day
-- count: 4
-- (assumption: an active user opens four conversations a day)
SELECT id, role, content, created_at
FROM chat_messages
WHERE conversation_id = (SELECT conversation_id FROM chat_messages ORDER BY created_at DESC LIMIT 1)
ORDER BY created_at DESC
LIMIT 50;
