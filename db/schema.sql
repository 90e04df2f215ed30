-- The schema every migration together must produce (checked by tests/unit/db).
CREATE TABLE schema_version (
    version INTEGER NOT NULL
);

-- One row per key slot: the engine's SlotState as JSON (engine/state_json.h), written in the
-- same transaction as the event that explains the change.
CREATE TABLE slots (
    name       TEXT PRIMARY KEY,
    state_json TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Append-only log of every DNS change, deployment, verdict and alert (the audit trail); events
-- at or below events_pruned_through may be deleted (the retention setting), no others.
CREATE TABLE events (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      INTEGER NOT NULL,
    slot    TEXT NOT NULL,
    kind    TEXT NOT NULL,
    details TEXT NOT NULL,
    -- DNS changes: the zone, the TLSA owner, the serial after the update and the RRset before
    -- and after (zone-file text); NULL for events that are not DNS changes.
    zone         TEXT,
    owner        TEXT,
    serial       INTEGER,
    rrset_before TEXT,
    rrset_after  TEXT
);
CREATE INDEX events_at ON events (at);

CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TABLE events_pruned_through (
    id INTEGER NOT NULL
);
CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
WHEN OLD.id > (SELECT MAX(id) FROM events_pruned_through)
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

-- The last run over every slot: when it finished, its exit code, how long it took.
CREATE TABLE last_run (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    finished_at INTEGER NOT NULL,
    result      INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL
);

-- The DNSSEC keys of the zones danekeeper signs (zone/dnssec_keys/key_record.h), one row per key:
-- role, state (generated, awaiting_ds, published, active, retired, ds_withdrawn, removed), the
-- DNSKEY RDATA in hex, and the times the rollover timings count from (Unix seconds) with the
-- monotonic time counted since state_seen and ds_seen (base/elapsed.h). The key material
-- is in STATE_DIR/dnssec/ZONE/K*.private, never here.
CREATE TABLE dnssec_keys (
    zone           TEXT NOT NULL,
    tag            INTEGER NOT NULL,
    algorithm      INTEGER NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('ksk', 'zsk')),
    state          TEXT NOT NULL,
    dnskey         TEXT NOT NULL,
    created        INTEGER NOT NULL,
    activated      INTEGER,
    state_since    INTEGER NOT NULL,
    state_serial   INTEGER,
    state_seen     INTEGER,
    ds_seen        INTEGER,
    ds_gone        INTEGER,
    roll_requested INTEGER NOT NULL DEFAULT 0,
    state_seen_mono TEXT,
    ds_seen_mono    TEXT,
    PRIMARY KEY (zone, tag, algorithm)
);

-- The SMTP TLS reports (RFC 8460) senders filed, stored once per (organization, report_id); the
-- policy strings are joined by newlines, the MX host names by spaces.
CREATE TABLE tlsrpt_reports (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    organization TEXT NOT NULL,
    report_id    TEXT NOT NULL,
    contact_info TEXT NOT NULL,
    start_at     INTEGER NOT NULL,
    end_at       INTEGER NOT NULL,
    received_at  INTEGER NOT NULL,
    source       TEXT NOT NULL,
    UNIQUE (organization, report_id)
);
CREATE INDEX tlsrpt_reports_end_at ON tlsrpt_reports (end_at);
CREATE TABLE tlsrpt_policies (
    report         INTEGER NOT NULL REFERENCES tlsrpt_reports (id),
    position       INTEGER NOT NULL,
    policy_type    TEXT NOT NULL,
    policy_domain  TEXT NOT NULL,
    policy_strings TEXT NOT NULL,
    mx_hosts       TEXT NOT NULL,
    successful     INTEGER NOT NULL,
    failed         INTEGER NOT NULL,
    PRIMARY KEY (report, position)
);
CREATE TABLE tlsrpt_failures (
    report                 INTEGER NOT NULL,
    policy                 INTEGER NOT NULL,
    position               INTEGER NOT NULL,
    result_type            TEXT NOT NULL,
    sending_mta_ip         TEXT NOT NULL,
    receiving_mx_hostname  TEXT NOT NULL,
    receiving_mx_helo      TEXT NOT NULL,
    receiving_ip           TEXT NOT NULL,
    failed_sessions        INTEGER NOT NULL,
    additional_information TEXT NOT NULL,
    failure_reason_code    TEXT NOT NULL,
    PRIMARY KEY (report, policy, position),
    FOREIGN KEY (report, policy) REFERENCES tlsrpt_policies (report, position)
);
