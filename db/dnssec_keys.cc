// The DNSSEC keys table: a zone's rows are read together and replaced together, with the event
// that explains the change, so a key step is never half stored.
#include <SQLiteCpp/Statement.h>

#include "db/db_error.h"
#include "db/store.h"

namespace dk::db {
namespace {

void bind_optional(SQLite::Statement& q, int index, const std::optional<long long>& value) {
    if (value)
        q.bind(index, static_cast<int64_t>(*value));
    else
        q.bind(index);  // NULL
}

std::optional<long long> optional_column(const SQLite::Column& c) {
    if (c.isNull()) return std::nullopt;
    return c.getInt64();
}

void bind_optional(SQLite::Statement& q, int index, const std::optional<std::string>& value) {
    if (value)
        q.bind(index, *value);
    else
        q.bind(index);  // NULL
}

std::optional<std::string> optional_text(const SQLite::Column& c) {
    if (c.isNull()) return std::nullopt;
    return c.getString();
}

constexpr const char* columns =
    "zone, tag, algorithm, role, state, dnskey, created, activated, state_since, state_serial, "
    "state_seen, ds_seen, ds_gone, roll_requested, state_seen_mono, ds_seen_mono";

DnssecKeyRow read_row(SQLite::Statement& q) {
    DnssecKeyRow r;
    r.zone = q.getColumn(0).getString();
    r.tag = q.getColumn(1).getInt();
    r.algorithm = q.getColumn(2).getInt();
    r.role = q.getColumn(3).getString();
    r.state = q.getColumn(4).getString();
    r.dnskey_hex = q.getColumn(5).getString();
    r.created = q.getColumn(6).getInt64();
    r.activated = optional_column(q.getColumn(7));
    r.state_since = q.getColumn(8).getInt64();
    r.state_serial = optional_column(q.getColumn(9));
    r.state_seen = optional_column(q.getColumn(10));
    r.ds_seen = optional_column(q.getColumn(11));
    r.ds_gone = optional_column(q.getColumn(12));
    r.roll_requested = q.getColumn(13).getInt() != 0;
    r.state_seen_mono = optional_text(q.getColumn(14));
    r.ds_seen_mono = optional_text(q.getColumn(15));
    return r;
}

void insert_row(SQLite::Database& db, const std::string& zone, const DnssecKeyRow& r) {
    SQLite::Statement q(db, std::string("INSERT INTO dnssec_keys (") + columns +
                                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, zone);
    q.bind(2, r.tag);
    q.bind(3, r.algorithm);
    q.bind(4, r.role);
    q.bind(5, r.state);
    q.bind(6, r.dnskey_hex);
    q.bind(7, static_cast<int64_t>(r.created));
    bind_optional(q, 8, r.activated);
    q.bind(9, static_cast<int64_t>(r.state_since));
    bind_optional(q, 10, r.state_serial);
    bind_optional(q, 11, r.state_seen);
    bind_optional(q, 12, r.ds_seen);
    bind_optional(q, 13, r.ds_gone);
    q.bind(14, r.roll_requested ? 1 : 0);
    bind_optional(q, 15, r.state_seen_mono);
    bind_optional(q, 16, r.ds_seen_mono);
    q.exec();
}

}  // namespace

Result<std::vector<DnssecKeyRow>> Store::dnssec_keys(const std::string& zone) {
    try {
        std::vector<DnssecKeyRow> out;
        SQLite::Statement q(*db_, std::string("SELECT ") + columns +
                                      " FROM dnssec_keys WHERE zone = ? ORDER BY rowid");
        q.bind(1, zone);
        while (q.executeStep()) out.push_back(read_row(q));
        return out;
    } catch (const std::exception& e) {
        return db_error("read the DNSSEC keys of " + zone, e);
    }
}

Status Store::save_dnssec_keys(const std::string& zone, const std::vector<DnssecKeyRow>& rows,
                               const Event& event) {
    return transaction([&]() -> Status {
        try {
            SQLite::Statement clear(*db_, "DELETE FROM dnssec_keys WHERE zone = ?");
            clear.bind(1, zone);
            clear.exec();
            for (const auto& r : rows) insert_row(*db_, zone, r);
        } catch (const std::exception& e) {
            return db_error("save the DNSSEC keys of " + zone, e);
        }
        return append(event);
    });
}

}  // namespace dk::db
