// The SQLite state store: slot states and the append-only event log. WAL mode, foreign keys on,
// each transition (state + its event) in one transaction. SQLiteCpp's exceptions stop here.
#pragma once

#include <SQLiteCpp/Database.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"

namespace dk::db {

struct Event {
    long long id = 0;
    TimePoint at{};
    std::string slot;
    std::string kind;
    std::string details;
};

class Store {
  public:
    // Opens (creating if needed, mode 0600) and migrates to the newest schema.
    static Result<Store> open(const std::string& path);

    Result<int> schema_version();
    Result<std::optional<std::string>> slot_state(const std::string& slot);
    Result<std::vector<std::string>> slot_names();
    // Writes the slot's state and appends its event in one transaction.
    Status save_slot(const std::string& slot, const std::string& state_json, TimePoint at,
                     const std::string& kind, const std::string& details);
    Status append_event(TimePoint at, const std::string& slot, const std::string& kind,
                        const std::string& details);
    Result<std::vector<Event>> events_since(TimePoint since);
    // The normalised CREATE statements of the live schema (tests compare with schema.sql).
    Result<std::string> live_schema();

  private:
    explicit Store(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}
    Status migrate();
    std::unique_ptr<SQLite::Database> db_;
};

// CREATE statements with comments, case and spacing normalised, sorted.
std::string normalise_schema(const std::string& sql);

}  // namespace dk::db
