#include "service/state/sql_state_store.h"

#include "engine/state_json.h"

namespace dk::service {
namespace {

Result<std::optional<engine::SlotState>> parse_stored(const std::string* text) {
    if (text == nullptr) return std::optional<engine::SlotState>{};  // not adopted yet
    DK_TRY(engine::SlotState state, engine::slot_state_from_json(*text));
    return std::optional<engine::SlotState>{std::move(state)};
}

}  // namespace

Result<std::optional<engine::SlotState>> StoredStates::load(const std::string& slot) const {
    const auto found = texts_.find(slot);
    return parse_stored(found == texts_.end() ? nullptr : &found->second);
}

Result<std::optional<engine::SlotState>> SqlStateStore::load(const std::string& slot) {
    DK_TRY(auto text, store_.slot_state(slot));
    return parse_stored(text ? &*text : nullptr);
}

Result<StoredStates> SqlStateStore::load_all() {
    DK_TRY(auto texts, store_.slot_states());
    return StoredStates(std::move(texts));
}

Status SqlStateStore::save(const engine::SlotState& state, const std::string& event_kind,
                           const std::string& details) {
    return store_.save_slot(state.slot, engine::to_json(state), clock_.now(), event_kind, details);
}

Status SqlStateStore::record_event(const std::string& slot, const std::string& event_kind,
                                   const std::string& details) {
    return store_.append_event(clock_.now(), slot, event_kind, details);
}

}  // namespace dk::service
