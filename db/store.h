// The SQLite state store: slot states and the append-only event log. WAL mode, foreign keys on,
// each transition (state + its event) in one transaction. SQLiteCpp's exceptions stop here.
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "db/tlsrpt_rows.h"

namespace dk::db {

// One line of the audit trail. The DNS fields are set for DNS changes only.
struct Event {
    long long id = 0;  // assigned by the store; ignored by append()
    TimePoint at{};
    std::string slot;
    std::string kind;
    std::string details;  // free text or JSON: what each server answered, the verdict, ...
    std::optional<std::string> zone;
    std::optional<std::string> owner;
    std::optional<std::uint32_t> serial;
    std::optional<std::string> rrset_before;  // zone-file text
    std::optional<std::string> rrset_after;
};

// One DNSSEC key of a signed zone as stored (zone/dnssec_keys/key_record.h has the meaning;
// the wiring converts). Times are Unix seconds.
struct DnssecKeyRow {
    std::string zone;
    int tag = 0;
    int algorithm = 0;
    std::string role;   // "ksk", "zsk"
    std::string state;  // "generated", "awaiting_ds", "published", "active", ...
    std::string dnskey_hex;
    long long created = 0;
    std::optional<long long> activated;
    long long state_since = 0;
    std::optional<long long> state_serial;
    std::optional<long long> state_seen;
    std::optional<long long> ds_seen;
    std::optional<long long> ds_gone;
    bool roll_requested = false;
    std::optional<std::string> state_seen_mono;  // base/elapsed.h mark_text
    std::optional<std::string> ds_seen_mono;
    friend bool operator==(const DnssecKeyRow&, const DnssecKeyRow&) = default;
};

// The last run over every slot.
struct RunRecord {
    TimePoint finished_at{};
    int result = 0;  // its exit code
    long long duration_ms = 0;
    friend bool operator==(const RunRecord&, const RunRecord&) = default;
};

// How much of the event log to keep: events older than `max_age`, and all but the newest
// `max_rows`, may go (none: no bound of that kind).
struct EventRetention {
    std::optional<Seconds> max_age;
    std::optional<long long> max_rows;
};

class Store {
  public:
    // Opens (creating if needed, mode 0600) and migrates to the newest schema.
    static Result<Store> open(const std::string& path);
    // For verbs that only read and hold no lock: never creates, migrates or writes the file. An
    // existing database opens read-only and must have the newest schema (a verb holding the lock
    // migrates it); a missing one reads as empty (an empty database in memory).
    static Result<Store> open_read_only(const std::string& path);

    // Runs body in one transaction: committed when it succeeds, rolled back when it fails or
    // throws. Nests: an inner transaction joins the outer one's fate.
    Status transaction(const std::function<Status()>& body);

    Result<int> schema_version();
    Result<std::optional<std::string>> slot_state(const std::string& slot);
    Result<std::vector<std::string>> slot_names();
    // Every stored slot's state by name, in one statement (a verb reading many slots).
    Result<std::map<std::string, std::string>> slot_states();
    // Writes the slot's state and appends its event in one transaction.
    Status save_slot(const std::string& slot, const std::string& state_json, TimePoint at,
                     const std::string& kind, const std::string& details);
    Status append(const Event& event);
    Status append_event(TimePoint at, const std::string& slot, const std::string& kind,
                        const std::string& details);
    // The DNSSEC keys of a zone (empty when it has none yet), in the order they were saved.
    Result<std::vector<DnssecKeyRow>> dnssec_keys(const std::string& zone);
    // Replaces the zone's key rows and appends `event`, in one transaction.
    Status save_dnssec_keys(const std::string& zone, const std::vector<DnssecKeyRow>& rows,
                            const Event& event);
    // Every event at or after since, oldest first (the log and audit export); only those of
    // `kind` when given (status's alerts, without reading the rest of the window).
    Result<std::vector<Event>> events_since(TimePoint since,
                                            const std::optional<std::string>& kind = std::nullopt);
    // Deletes the oldest events beyond `retention` as of `now`, in one transaction; returns how
    // many went. The schema refuses any other DELETE.
    Result<long long> prune_events(const EventRetention& retention, TimePoint now);
    Status record_run(const RunRecord& run);
    Result<std::optional<RunRecord>> last_run();
    // Stores an SMTP TLS report with its policies and failures in one transaction: true, or
    // false when the same organization's report of that report-id is stored already.
    Result<bool> add_tlsrpt_report(const TlsrptReportRow& report);
    // Every stored report whose date range ends at or after `since`, oldest first, whole.
    Result<std::vector<TlsrptReportRow>> tlsrpt_reports_since(TimePoint since);
    // The normalised CREATE statements of the live schema (tests compare with schema.sql).
    Result<std::string> live_schema();

  private:
    static Result<Store> open_checked(const std::string& path);
    static Result<Store> open_read_only_checked(const std::string& path);
    explicit Store(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}
    Status migrate();
    std::unique_ptr<SQLite::Database> db_;
    int savepoints_ = 0;  // depth of open transaction() calls, names their savepoints
};

// CREATE statements with comments, case and spacing normalised, sorted.
std::string normalise_schema(const std::string& sql);

}  // namespace dk::db
