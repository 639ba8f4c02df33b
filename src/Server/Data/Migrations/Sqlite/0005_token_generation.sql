-- A password change ends the user's other login sessions: login tokens carry the generation they were
-- issued in; a change bumps it and keeps only the token that made the change (the keeper) valid.
ALTER TABLE users ADD COLUMN token_generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN token_generation_keeper TEXT NULL;
