-- danekeeper state, version 3: the DNSSEC keys of the zones danekeeper signs itself (publisher
-- "signed-file"), one row per key, written in the same transaction as the event that explains
-- the change. The key material is in STATE_DIR/dnssec/ZONE/K*.private, never here.
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
    PRIMARY KEY (zone, tag, algorithm)
);
