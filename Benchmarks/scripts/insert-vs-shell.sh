#!/usr/bin/env bash
# Issue 21's insert benchmark, side by side: every row of a projected month loaded by
# `capsim data` (month 60 of the default scenario at --max-rows 1,000,000: about 1.5M rows in
# all, whole process: projection, generation, inserts, index builds, storage measurement)
# against SQLite's own shell inserting as many rows shaped like chat_messages as migration 003
# defines it (random uuid text key, two uuid foreign keys, the role CHECK, content of the same
# mean length, 300 characters) from a recursive CTE into an in-memory database, with its three
# indexes built after. Interleaved ROUNDS times; prints each pair and the median ratio.
# Usage: insert-vs-shell.sh [ROUNDS]
set -euo pipefail
source "$(dirname "$0")/release-capsim.sh"
rounds=${1:-3}
command -v sqlite3 >/dev/null || { echo "insert-vs-shell: needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 2; }
data="$capsim data scenarios/mirai-roadmap.yaml --month 60 --max-rows 1000000"
rows=$($data 2>/dev/null | awk '/^Rows per table/ { on = 1; next } on && /^[a-z_]+ +[0-9,]+/ { gsub(",", "", $2); n += $2 } on && /^$/ && n > 0 { exit } END { print n }')
echo "capsim data loads $rows rows; the shell inserts as many chat_messages rows"
script=$(mktemp)
trap 'rm -f "$script"' EXIT
cat > "$script" <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA threads = 2;
CREATE TABLE conversations (id TEXT PRIMARY KEY);
CREATE TABLE users (id TEXT PRIMARY KEY);
CREATE TABLE chat_messages (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    content TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $rows)
INSERT INTO chat_messages
SELECT lower(hex(randomblob(16))), lower(hex(randomblob(16))), lower(hex(randomblob(16))),
       CASE x % 2 WHEN 0 THEN 'user' ELSE 'assistant' END, substr(hex(randomblob(150)), 1, 300), x % 50, x % 70,
       printf('2029-%02d-%02d %02d:%02d:%02d.000+00:00', 1 + x % 12, 1 + x % 28, x % 24, x % 60, (x / 60) % 60)
FROM c;
COMMIT;
CREATE INDEX chat_messages_conversation_id_idx ON chat_messages (conversation_id, created_at);
CREATE INDEX chat_messages_user_id_idx ON chat_messages (user_id, created_at);
CREATE INDEX chat_messages_created_at_idx ON chat_messages (created_at);
SELECT count(*) FROM chat_messages;
SQL
Benchmarks/scripts/ratio.sh "$rounds" "sqlite3 shell" "sqlite3 :memory: < $script" "capsim data" "$data"
