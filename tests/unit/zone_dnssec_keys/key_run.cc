#include "key_run.h"

#include <stdexcept>

#include "db/store.h"
#include "service/signing/dnssec_key_rows.h"
#include "zone/dnssec_keys/transitions.h"

namespace dk::zone::dnssec_keys::testing {

KeyPolicy unset_zone_policy() {
    KeyPolicy p;
    p.algorithm = 13;  // ecdsap256sha256
    p.zsk_lifetime = Seconds{90LL * 86400};
    p.ksk_lifetime = Seconds{0};
    p.publish_safety = Seconds{3600};
    p.retire_safety = Seconds{3600};
    p.default_ds_ttl = Seconds{86400};
    return p;
}

KeyRun::KeyRun(KeyWorld& world, KeyPolicy policy)
    : world_(world),
      setup_{world.config().zone, policy, world.config().ttls},
      memory_(world.config().zone) {
    keys_.zone = world.config().zone;
}

template <typename Use>
void KeyRun::with_store(Use use) {
    if (db_path_.empty()) {
        use(static_cast<KeyStateStore&>(memory_));
        keys_ = memory_.keys;
        return;
    }
    auto db = db::Store::open(db_path_);
    if (!db.ok()) throw std::runtime_error(db.error().message);
    service::SqlKeyStateStore rows(*db, setup_.zone);
    use(static_cast<KeyStateStore&>(rows));
    auto stored = rows.load();
    if (!stored.ok()) throw std::runtime_error(stored.error().message);
    keys_ = std::move(*stored);
}

const Plan& KeyRun::tick() {
    with_store([&](KeyStateStore& store) {
        KeyPorts ports{world_, store, world_, world_, world_};
        auto plan = run_keys(setup_, ports, [&](const std::string& step) {
            steps_.push_back({world_.now(), step});
        });
        if (plan.ok()) last_ = std::move(*plan);
    });
    return last_;
}

bool KeyRun::request(Role role) {
    bool found = false;
    with_store([&](KeyStateStore& store) {
        auto keys = store.load();
        if (!keys.ok()) throw std::runtime_error(keys.error().message);
        found = request_rollover(*keys, role);
        if (auto saved = store.save(*keys, world_.now(), "request", "", std::nullopt); !saved.ok())
            throw std::runtime_error(saved.error().message);
    });
    return found;
}

std::string KeyRun::run_for(Seconds span, Seconds step) {
    auto outcome = run_until([](const ZoneKeys&) { return false; }, span, step);
    return outcome.starts_with("did not finish") ? std::string() : outcome;
}

TimePoint KeyRun::when(const std::string& text) const {
    for (const auto& s : steps_) {
        if (s.what.find(text) != std::string::npos) return s.at;
    }
    return TimePoint::max();
}

const KeyRecord* KeyRun::find(Role role, KeyState state) const {
    for (const auto& k : keys_.keys) {
        if (k.role == role && k.state == state) return &k;
    }
    return nullptr;
}

}  // namespace dk::zone::dnssec_keys::testing
