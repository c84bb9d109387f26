-- V1: chat sessions and their messages (one row per message).

CREATE TABLE sessions (
  id         uuid        PRIMARY KEY,
  user_id    text        NOT NULL,
  agent_id   text,
  title      text,
  is_active  boolean     NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- A user's active sessions, newest first (partial: closed sessions are not indexed here).
-- id is the keyset tie-breaker of the listing order.
CREATE INDEX sessions_user_active_idx ON sessions (user_id, updated_at DESC, id DESC) WHERE is_active;

-- All of a user's sessions, newest first (list without the active filter, and GDPR by user).
CREATE INDEX sessions_user_updated_idx ON sessions (user_id, updated_at DESC, id DESC);

CREATE TABLE messages (
  id         uuid        PRIMARY KEY,
  session_id uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  user_id    text        NOT NULL,
  role       text        NOT NULL CHECK (role IN ('user', 'agent')),
  agent_id   text,
  content    text        NOT NULL,
  created_at timestamptz NOT NULL
);

-- A session's messages, newest first, id as the keyset tie-breaker.
CREATE INDEX messages_session_created_idx ON messages (session_id, created_at DESC, id DESC);
