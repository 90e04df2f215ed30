// The engine's StateStore on the SQLite store: SlotState as JSON, one transaction per step.
#pragma once

#include "base/clock.h"
#include "db/store.h"
#include "engine/ports.h"

namespace dk::service {

class SqlStateStore final : public engine::StateStore {
  public:
    SqlStateStore(db::Store& store, const Clock& clock) : store_(store), clock_(clock) {}
    Result<std::optional<engine::SlotState>> load(const std::string& slot) override;
    Status save(const engine::SlotState& state, const std::string& event_kind,
                const std::string& details) override;
    Status record_event(const std::string& slot, const std::string& event_kind,
                        const std::string& details) override;

  private:
    db::Store& store_;
    const Clock& clock_;
};

}  // namespace dk::service
