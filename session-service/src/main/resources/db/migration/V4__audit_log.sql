-- V4: the audit trail (who did what, when; never message content), and what the retention job needs.

CREATE TABLE audit_log (
  id      uuid        PRIMARY KEY,
  at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor   text        NOT NULL,
  action  text        NOT NULL,
  subject text,
  details text
);

-- Newest first, id as the keyset tie-breaker (the admin listing, with or without an action filter).
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_action_at_idx ON audit_log (action, at DESC, id DESC);

-- The retention job deletes the oldest messages first, in small batches.
CREATE INDEX messages_created_idx ON messages (created_at);
