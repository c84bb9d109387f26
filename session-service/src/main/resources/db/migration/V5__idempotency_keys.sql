-- V5: idempotency keys (Idempotency-Key on the message and completion routes): what a key of a user was
-- first used for, decided by the primary key (never check-then-act). outcome is the first request's result
-- (JSON), encrypted like message content (key_id names the key; NULL while the first request runs).
-- Kept 24 h from the claim: an older row counts as absent and the expiry job deletes it.

CREATE TABLE idempotency_keys (
  user_id    text        NOT NULL,
  key        text        NOT NULL,
  route      text        NOT NULL CHECK (route IN ('messages', 'completions')),
  digest     text        NOT NULL,
  session_id uuid,
  message_id uuid,
  reply_id   text        NOT NULL,
  outcome    text,
  key_id     text,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (user_id, key)
);

-- The expiry job deletes the oldest rows first, in small batches.
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
