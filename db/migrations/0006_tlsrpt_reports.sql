-- danekeeper state, version 6: the SMTP TLS reports (RFC 8460) senders filed about our MX, one
-- row per report (a report filed twice, by mail and HTTPS or a resent mail, is stored once), its
-- policies and their failure details. Times are Unix seconds.
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
