-- Attended support codes (docs/api.md "Attended support codes", docs/security.md: 6 digits, 30 min, single session).
-- A code is unique among live codes only: the partial index lets an old, used code's digits come back.
CREATE TABLE support_codes (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    code text NOT NULL CHECK (code ~ '^[0-9]{6}$'),
    state text NOT NULL DEFAULT 'live' CHECK (state IN ('live', 'used', 'cancelled', 'expired')),
    note text NULL,
    created_by uuid NOT NULL,
    created_by_name text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz NULL,
    ended_at timestamptz NULL,
    session_id uuid NULL
);

CREATE UNIQUE INDEX ux_support_codes_live ON support_codes (tenant_id, code) WHERE state = 'live';
CREATE INDEX ix_support_codes_session ON support_codes (session_id) WHERE session_id IS NOT NULL;
