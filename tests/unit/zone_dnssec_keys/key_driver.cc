#include "key_driver.h"

#include <stdexcept>

namespace dk::zone::dnssec_keys::testing {

void KeyDriver::load() {
    if (db_path_.empty()) return;
    auto store = db::Store::open(db_path_);
    if (!store.ok()) throw std::runtime_error(store.error().message);
    auto loaded = service::load_zone_keys(*store, keys_.zone);
    if (!loaded.ok()) throw std::runtime_error(loaded.error().message);
    keys_ = std::move(*loaded);
}

void KeyDriver::save(const std::string& kind) {
    if (db_path_.empty()) return;
    auto store = db::Store::open(db_path_);
    if (!store.ok()) throw std::runtime_error(store.error().message);
    auto saved = service::save_zone_keys(*store, keys_, world_.now(), kind, last_.reason);
    if (!saved.ok()) throw std::runtime_error(saved.error().message);
}

const Plan& KeyDriver::tick() {
    for (int round = 0; round < 8; ++round) {
        load();
        last_ = plan_keys(keys_, policy_, world_.config().ttls, world_.observe());
        if (last_.generate) {
            keys_ = last_.observed;
            keys_.keys.push_back(world_.make_key(*last_.generate, keys_.keys));
            save("dnssec_key_generated");
            continue;
        }
        if (last_.sign) {
            const auto serial = world_.sign(last_.selection);
            if (!serial) {
                ++failed_signings;
                keys_ = last_.observed;  // the old keys stay as they are
                save("dnssec_sign_failed");
                return last_;
            }
            ++signings;
            keys_ = commit_signed(last_.next, *serial);
        } else {
            keys_ = last_.next;
        }
        for (const auto& s : last_.steps) steps_.push_back({world_.now(), s});
        save(last_.steps.empty() ? "dnssec_observed" : "dnssec_key_step");
        if (last_.steps.empty()) return last_;
    }
    return last_;
}

std::string KeyDriver::run_for(Seconds span, Seconds step) {
    auto outcome = run_until([](const ZoneKeys&) { return false; }, span, step);
    return outcome.starts_with("did not finish") ? std::string() : outcome;
}

TimePoint KeyDriver::when(const std::string& text) const {
    for (const auto& s : steps_) {
        if (s.what.find(text) != std::string::npos) return s.at;
    }
    return TimePoint::max();
}

const KeyRecord* KeyDriver::find(Role role, KeyState state) const {
    for (const auto& k : keys_.keys) {
        if (k.role == role && k.state == state) return &k;
    }
    return nullptr;
}

}  // namespace dk::zone::dnssec_keys::testing
