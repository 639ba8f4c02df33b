-- Viewer tokens are single use (docs/security.md §6): the jti of each redeemed token, kept until it would have expired.
CREATE TABLE viewer_token_uses (
    jti TEXT PRIMARY KEY,
    expires_at TEXT NOT NULL
);

CREATE INDEX ix_viewer_token_uses_expires ON viewer_token_uses (expires_at);
