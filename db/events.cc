// The append-only event log: inserts, reads, and the retention prune of the oldest events (the
// schema's triggers refuse any other change).
#include <SQLiteCpp/Statement.h>

#include <algorithm>

#include "db/db_error.h"
#include "db/store.h"

namespace dk::db {
namespace {

template <typename T>
void bind_optional(SQLite::Statement& q, int index, const std::optional<T>& value) {
    if (value)
        q.bind(index, *value);
    else
        q.bind(index);  // NULL
}

template <typename T>
std::optional<T> optional_column(const SQLite::Column& c);

template <>
std::optional<std::string> optional_column(const SQLite::Column& c) {
    if (c.isNull()) return std::nullopt;
    return c.getString();
}

template <>
std::optional<std::uint32_t> optional_column(const SQLite::Column& c) {
    if (c.isNull()) return std::nullopt;
    return static_cast<std::uint32_t>(c.getInt64());
}

}  // namespace

Status Store::append(const Event& e) {
    try {
        SQLite::Statement q(*db_,
                            "INSERT INTO events (at, slot, kind, details, zone, owner, serial, "
                            "rrset_before, rrset_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        q.bind(1, static_cast<int64_t>(unix_seconds(e.at)));
        q.bind(2, e.slot);
        q.bind(3, e.kind);
        q.bind(4, e.details);
        bind_optional(q, 5, e.zone);
        bind_optional(q, 6, e.owner);
        if (e.serial)
            q.bind(7, static_cast<int64_t>(*e.serial));
        else
            q.bind(7);
        bind_optional(q, 8, e.rrset_before);
        bind_optional(q, 9, e.rrset_after);
        q.exec();
        return {};
    } catch (const std::exception& ex) {
        return db_error("append event " + e.kind + " for slot " + e.slot, ex);
    }
}

Status Store::append_event(TimePoint at, const std::string& slot, const std::string& kind,
                           const std::string& details) {
    return append(Event{.at = at, .slot = slot, .kind = kind, .details = details});
}

Result<std::vector<Event>> Store::events_since(TimePoint since,
                                               const std::optional<std::string>& kind) {
    try {
        std::vector<Event> out;
        SQLite::Statement q(
            *db_,
            // Without INDEXED BY, ORDER BY id makes SQLite walk the whole log.
            std::string("SELECT id, at, slot, kind, details, zone, owner, serial, "
                        "rrset_before, rrset_after FROM events INDEXED BY events_at "
                        "WHERE at >= ?") +
                (kind ? " AND kind = ?" : "") + " ORDER BY id");
        q.bind(1, static_cast<int64_t>(unix_seconds(since)));
        if (kind) q.bind(2, *kind);
        while (q.executeStep()) {
            out.push_back(Event{.id = q.getColumn(0).getInt64(),
                                .at = from_unix_seconds(q.getColumn(1).getInt64()),
                                .slot = q.getColumn(2).getString(),
                                .kind = q.getColumn(3).getString(),
                                .details = q.getColumn(4).getString(),
                                .zone = optional_column<std::string>(q.getColumn(5)),
                                .owner = optional_column<std::string>(q.getColumn(6)),
                                .serial = optional_column<std::uint32_t>(q.getColumn(7)),
                                .rrset_before = optional_column<std::string>(q.getColumn(8)),
                                .rrset_after = optional_column<std::string>(q.getColumn(9))});
        }
        return out;
    } catch (const std::exception& e) {
        return db_error("read events", e);
    }
}

Result<long long> Store::prune_events(const EventRetention& retention, TimePoint now) {
    long long pruned = 0;
    const Status done = transaction([&]() -> Status {
        try {
            // The newest id that may go: the last one older than max_age, and the last one
            // before the newest max_rows; the higher of the two.
            long long through = 0;
            if (retention.max_age) {
                SQLite::Statement q(*db_, "SELECT COALESCE(MAX(id), 0) FROM events WHERE at < ?");
                q.bind(1, static_cast<int64_t>(unix_seconds(now - *retention.max_age)));
                q.executeStep();
                through = std::max<long long>(through, q.getColumn(0).getInt64());
            }
            if (retention.max_rows) {
                SQLite::Statement q(
                    *db_,
                    "SELECT COALESCE((SELECT id FROM events ORDER BY id DESC LIMIT 1 "
                    "OFFSET ?), 0)");
                q.bind(1, static_cast<int64_t>(*retention.max_rows));
                q.executeStep();
                through = std::max<long long>(through, q.getColumn(0).getInt64());
            }
            if (through == 0) return {};
            SQLite::Statement raise(*db_, "UPDATE events_pruned_through SET id = MAX(id, ?)");
            raise.bind(1, static_cast<int64_t>(through));
            raise.exec();
            SQLite::Statement remove(*db_, "DELETE FROM events WHERE id <= ?");
            remove.bind(1, static_cast<int64_t>(through));
            pruned = remove.exec();
            return {};
        } catch (const std::exception& e) {
            return db_error("prune events", e);
        }
    });
    if (!done.ok()) return done.error();
    return pruned;
}

}  // namespace dk::db
