-- Sites, their enrollment keys, machines (one row per (tenant, machine_uid), ever) and machine keys.
CREATE TABLE sites (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    site_code TEXT NOT NULL,
    display_name TEXT NULL,
    company TEXT NULL,
    -- Reserved: only auto-approve exists today; the column lets a later policy land without a rewrite.
    enrollment_policy TEXT NOT NULL DEFAULT 'auto-approve' CHECK (enrollment_policy IN ('auto-approve')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE UNIQUE INDEX ux_sites_tenant_code ON sites (tenant_id, lower(site_code));

CREATE TABLE site_enrollment_keys (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    key_hash TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    active INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL,
    rotated_at TEXT NULL,
    UNIQUE (site_id, version)
);

-- At most one active key per site, enforced by the database.
CREATE UNIQUE INDEX ux_site_enrollment_keys_one_active ON site_enrollment_keys (site_id) WHERE active = 1;

CREATE TABLE machines (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    site_id TEXT NULL REFERENCES sites (id),
    machine_uid TEXT NULL,
    uid_scope TEXT NULL CHECK (uid_scope IN ('hardware', 'os-scoped')),
    hostname TEXT NOT NULL,
    display_name TEXT NULL,
    company TEXT NULL,
    site_label TEXT NULL,
    department TEXT NULL,
    device_type TEXT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    enrollment_state TEXT NOT NULL DEFAULT 'active' CHECK (enrollment_state IN ('active', 'pending')),
    pending_hostname TEXT NULL,
    last_seen TEXT NULL,
    agent_version TEXT NULL,
    os_name TEXT NULL,
    os_version TEXT NULL,
    cpu_model TEXT NULL,
    cpu_cores INTEGER NULL,
    ram_bytes INTEGER NULL,
    manufacturer TEXT NULL,
    model TEXT NULL,
    serial_number TEXT NULL,
    private_ips TEXT NULL,
    macs TEXT NULL,
    external_ip TEXT NULL,
    logged_on_user TEXT NULL,
    time_zone TEXT NULL,
    uptime_seconds INTEGER NULL,
    is_admin INTEGER NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT NULL
);

-- One machine per (tenant, machine_uid), ever: re-installs and re-images reuse the row.
CREATE UNIQUE INDEX ux_machines_tenant_uid ON machines (tenant_id, machine_uid) WHERE machine_uid IS NOT NULL;
CREATE INDEX ix_machines_site ON machines (site_id);
CREATE INDEX ix_machines_tenant_hostname ON machines (tenant_id, lower(hostname));

CREATE TABLE machine_keys (
    id TEXT PRIMARY KEY,
    machine_id TEXT NOT NULL REFERENCES machines (id) ON DELETE CASCADE,
    key_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT NULL,
    revoked_at TEXT NULL
);

CREATE INDEX ix_machine_keys_machine ON machine_keys (machine_id);
