-- Sites, their enrollment keys, machines (one row per (tenant, machine_uid), ever) and machine keys.
CREATE TABLE sites (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    site_code text NOT NULL,
    display_name text NULL,
    company text NULL,
    -- Reserved: only auto-approve exists today; the column lets a later policy land without a rewrite.
    enrollment_policy text NOT NULL DEFAULT 'auto-approve' CHECK (enrollment_policy IN ('auto-approve')),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE UNIQUE INDEX ux_sites_tenant_code ON sites (tenant_id, lower(site_code));

CREATE TABLE site_enrollment_keys (
    id uuid PRIMARY KEY,
    site_id uuid NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    version integer NOT NULL,
    key_hash text NOT NULL,
    fingerprint text NOT NULL,
    active boolean NOT NULL,
    created_at timestamptz NOT NULL,
    rotated_at timestamptz NULL,
    UNIQUE (site_id, version)
);

-- At most one active key per site, enforced by the database.
CREATE UNIQUE INDEX ux_site_enrollment_keys_one_active ON site_enrollment_keys (site_id) WHERE active;

CREATE TABLE machines (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    site_id uuid NULL REFERENCES sites (id),
    machine_uid text NULL,
    uid_scope text NULL CHECK (uid_scope IN ('hardware', 'os-scoped')),
    hostname text NOT NULL,
    display_name text NULL,
    company text NULL,
    site_label text NULL,
    department text NULL,
    device_type text NULL,
    tags text NOT NULL DEFAULT '[]',
    enrollment_state text NOT NULL DEFAULT 'active' CHECK (enrollment_state IN ('active', 'pending')),
    pending_hostname text NULL,
    last_seen timestamptz NULL,
    agent_version text NULL,
    os_name text NULL,
    os_version text NULL,
    cpu_model text NULL,
    cpu_cores integer NULL,
    ram_bytes bigint NULL,
    manufacturer text NULL,
    model text NULL,
    serial_number text NULL,
    private_ips text NULL,
    macs text NULL,
    external_ip text NULL,
    logged_on_user text NULL,
    time_zone text NULL,
    uptime_seconds bigint NULL,
    is_admin boolean NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz NULL
);

-- One machine per (tenant, machine_uid), ever: re-installs and re-images reuse the row.
CREATE UNIQUE INDEX ux_machines_tenant_uid ON machines (tenant_id, machine_uid) WHERE machine_uid IS NOT NULL;
CREATE INDEX ix_machines_site ON machines (site_id);
CREATE INDEX ix_machines_tenant_hostname ON machines (tenant_id, lower(hostname));

CREATE TABLE machine_keys (
    id uuid PRIMARY KEY,
    machine_id uuid NOT NULL REFERENCES machines (id) ON DELETE CASCADE,
    key_hash text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    last_used_at timestamptz NULL,
    revoked_at timestamptz NULL
);

CREATE INDEX ix_machine_keys_machine ON machine_keys (machine_id);
