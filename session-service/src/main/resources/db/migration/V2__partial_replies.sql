-- An agent reply cut short (the client went away, or the model failed mid-answer) is kept, marked as such.
ALTER TABLE messages ADD COLUMN partial boolean NOT NULL DEFAULT false;
