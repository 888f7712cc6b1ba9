-- 003_chat_messages.sql
-- What it adds: chat_messages: every message of a conversation, with its role (user,
-- assistant, system) and token counts.
-- When: Phase 0 (already applied).
-- Idempotent: yes.

CREATE TABLE IF NOT EXISTS chat_messages (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    role text NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    content text NOT NULL,
    prompt_tokens integer NOT NULL DEFAULT 0,
    completion_tokens integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS chat_messages_conversation_id_idx ON chat_messages (conversation_id, created_at);
CREATE INDEX IF NOT EXISTS chat_messages_user_id_idx ON chat_messages (user_id, created_at);
CREATE INDEX IF NOT EXISTS chat_messages_created_at_idx ON chat_messages (created_at);

ALTER TABLE chat_messages ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS chat_messages_select_own ON chat_messages;
CREATE POLICY chat_messages_select_own ON chat_messages FOR SELECT TO authenticated USING (user_id = auth.uid());
DROP POLICY IF EXISTS chat_messages_insert_own ON chat_messages;
CREATE POLICY chat_messages_insert_own ON chat_messages FOR INSERT TO authenticated WITH CHECK (user_id = auth.uid());
