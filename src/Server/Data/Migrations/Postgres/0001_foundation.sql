-- Foundation: tenants, users, tokens, audit.
CREATE TABLE tenants (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    created_at timestamptz NOT NULL
);

INSERT INTO tenants (id, name, created_at)
VALUES ('00000000-0000-0000-0000-000000000001', 'Default', '2026-01-01T00:00:00Z');

CREATE TABLE users (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    username text NOT NULL,
    password_hash text NOT NULL,
    role text NOT NULL CHECK (role IN ('admin', 'technician')),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE UNIQUE INDEX ux_users_tenant_username ON users (tenant_id, lower(username));

-- Logged-out login tokens, kept until they would have expired anyway.
CREATE TABLE revoked_tokens (
    jti text PRIMARY KEY,
    user_id uuid NOT NULL,
    expires_at timestamptz NOT NULL
);

CREATE INDEX ix_revoked_tokens_expires ON revoked_tokens (expires_at);

CREATE TABLE api_tokens (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name text NOT NULL,
    token_hash text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NULL,
    last_used_at timestamptz NULL,
    revoked_at timestamptz NULL
);

CREATE INDEX ix_api_tokens_user ON api_tokens (user_id);

CREATE TABLE audit_events (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    at timestamptz NOT NULL,
    type text NOT NULL,
    actor text NULL,
    actor_id uuid NULL,
    machine_id uuid NULL,
    session_id uuid NULL,
    ip text NULL,
    details text NOT NULL DEFAULT '{}'
);

CREATE INDEX ix_audit_events_at ON audit_events (tenant_id, at);
CREATE INDEX ix_audit_events_type ON audit_events (tenant_id, type, at);
CREATE INDEX ix_audit_events_machine ON audit_events (machine_id, at);
CREATE INDEX ix_audit_events_session ON audit_events (session_id, at);
