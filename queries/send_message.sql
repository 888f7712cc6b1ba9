-- name: send_message
-- measures: sending a message: one row into chat_messages (its key, two foreign keys, the
-- role CHECK and three indexes), in the conversation and as the user of the latest message.
-- Timed inside a rolled-back savepoint, so the data does not change between runs.
-- source: the product's hot path (migration 003); every message, the user's and the reply.
-- portable: yes (writes)
-- per: message
-- count: 1
INSERT INTO chat_messages (conversation_id, user_id, role, content, prompt_tokens, completion_tokens)
SELECT conversation_id, user_id, 'user', 'Can you summarise what we decided yesterday?', 12, 0
FROM chat_messages
ORDER BY created_at DESC
LIMIT 1;
