-- V3: message content and session titles are stored encrypted (AES-256-GCM envelopes written by
-- the session service, see crypto/FieldCipher). key_id names the key of the envelope; NULL means
-- the value was written before encryption existed and is still plaintext (rotate-keys encrypts it).
ALTER TABLE messages ADD COLUMN key_id text;
ALTER TABLE sessions ADD COLUMN key_id text;
