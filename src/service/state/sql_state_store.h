// The engine's StateStore on the SQLite store: SlotState as JSON, one transaction per step.
#pragma once

#include <map>
#include <string>

#include "base/clock.h"
#include "db/store.h"
#include "engine/ports.h"

namespace dk::service {

// Every slot's saved state as read by one statement; each is parsed when asked for.
class StoredStates {
  public:
    explicit StoredStates(std::map<std::string, std::string> texts) : texts_(std::move(texts)) {}
    // What SqlStateStore::load(slot) returns for the same store.
    Result<std::optional<engine::SlotState>> load(const std::string& slot) const;

  private:
    std::map<std::string, std::string> texts_;
};

class SqlStateStore final : public engine::StateStore {
  public:
    SqlStateStore(db::Store& store, const Clock& clock) : store_(store), clock_(clock) {}
    Result<std::optional<engine::SlotState>> load(const std::string& slot) override;
    // Every slot's state in one read (a verb over many slots: status).
    Result<StoredStates> load_all();
    Status save(const engine::SlotState& state, const std::string& event_kind,
                const std::string& details) override;
    Status record_event(const std::string& slot, const std::string& event_kind,
                        const std::string& details) override;

  private:
    db::Store& store_;
    const Clock& clock_;
};

}  // namespace dk::service
