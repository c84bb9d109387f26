-- V6: what the coaches remember of a user. The profile is one JSON document per user and a progress record
-- one row per measurement; both are stored encrypted like message content (AES-256-GCM envelopes written by
-- the session service, key_id names the key). A record's kind and time stay plain: they are what pages and
-- filters use. Erasure deletes both by user.

CREATE TABLE profiles (
  user_id    text        PRIMARY KEY,
  document   text        NOT NULL,
  key_id     text,
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE progress_records (
  id         uuid        PRIMARY KEY,
  user_id    text        NOT NULL,
  kind       text        NOT NULL CHECK (kind IN ('weight', 'body_fat', 'resting_hr', 'sleep_hours', 'lift_1rm', 'steps')),
  at         timestamptz NOT NULL,
  data       text        NOT NULL,
  key_id     text,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- A user's records newest first, id as the keyset tie-breaker; with and without the kind filter.
CREATE INDEX progress_records_user_at_idx ON progress_records (user_id, at DESC, id DESC);
CREATE INDEX progress_records_user_kind_at_idx ON progress_records (user_id, kind, at DESC, id DESC);
