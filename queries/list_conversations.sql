-- name: list_conversations
-- measures: the sidebar: a user's 20 most recently updated conversations that are not
-- archived (the index on (user_id, updated_at DESC)), for the user of the latest message.
-- source: the product's hot path (migration 002).
-- portable: yes
-- per: active_user_day
-- count: 2
-- (assumption: the list loads twice a day per active user)
SELECT id, title, updated_at
FROM conversations
WHERE user_id = (SELECT user_id FROM chat_messages ORDER BY created_at DESC LIMIT 1)
  AND archived_at IS NULL
ORDER BY updated_at DESC
LIMIT 20;
