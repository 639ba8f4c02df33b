-- Attended support codes (docs/api.md "Attended support codes", docs/security.md: 6 digits, 30 min, single session).
-- A code is unique among live codes only: the partial index lets an old, used code's digits come back.
CREATE TABLE support_codes (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    code TEXT NOT NULL CHECK (length(code) = 6),
    state TEXT NOT NULL DEFAULT 'live' CHECK (state IN ('live', 'used', 'cancelled', 'expired')),
    note TEXT NULL,
    created_by TEXT NOT NULL,
    created_by_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT NULL,
    ended_at TEXT NULL,
    session_id TEXT NULL
);

CREATE UNIQUE INDEX ux_support_codes_live ON support_codes (tenant_id, code) WHERE state = 'live';
CREATE INDEX ix_support_codes_session ON support_codes (session_id) WHERE session_id IS NOT NULL;
