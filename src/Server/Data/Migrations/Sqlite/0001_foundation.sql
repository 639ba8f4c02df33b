-- Foundation: tenants, users, tokens, audit. Times are ISO-8601 UTC text (fixed width), ids are UUID text.
CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

INSERT INTO tenants (id, name, created_at)
VALUES ('00000000-0000-0000-0000-000000000001', 'Default', '2026-01-01T00:00:00.0000000Z');

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    username TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'technician')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE UNIQUE INDEX ux_users_tenant_username ON users (tenant_id, lower(username));

-- Logged-out login tokens, kept until they would have expired anyway.
CREATE TABLE revoked_tokens (
    jti TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE INDEX ix_revoked_tokens_expires ON revoked_tokens (expires_at);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NULL,
    last_used_at TEXT NULL,
    revoked_at TEXT NULL
);

CREATE INDEX ix_api_tokens_user ON api_tokens (user_id);

CREATE TABLE audit_events (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    at TEXT NOT NULL,
    type TEXT NOT NULL,
    actor TEXT NULL,
    actor_id TEXT NULL,
    machine_id TEXT NULL,
    session_id TEXT NULL,
    ip TEXT NULL,
    details TEXT NOT NULL DEFAULT '{}'
);

CREATE INDEX ix_audit_events_at ON audit_events (tenant_id, at);
CREATE INDEX ix_audit_events_type ON audit_events (tenant_id, type, at);
CREATE INDEX ix_audit_events_machine ON audit_events (machine_id, at);
CREATE INDEX ix_audit_events_session ON audit_events (session_id, at);
