#include "zone/dnssec_keys/planner.h"

#include <algorithm>

#include "zone/dnssec_keys/ds.h"

namespace dk::zone::dnssec_keys {
namespace {

struct Context {
    const KeyPolicy& policy;
    const ZoneTtls& ttls;
    const KeyObservations& obs;
    const std::string& owner;
    Plan& plan;

    [[nodiscard]] TimePoint now() const { return obs.now; }
    std::vector<KeyRecord>& keys() { return plan.next.keys; }

    std::vector<std::size_t> with(Role role, KeyState state) {
        std::vector<std::size_t> out;
        for (std::size_t i = 0; i < keys().size(); ++i) {
            if (keys()[i].role == role && keys()[i].state == state) out.push_back(i);
        }
        return out;
    }

    void wait(TimePoint at, const std::string& why) {
        plan.next_due = std::min(plan.next_due, at);
        if (!plan.reason.empty()) plan.reason += "; ";
        plan.reason += why;
    }

    // Whether the wait from `since` until `at` (wall clock) is over, counting the monotonic time
    // in `mark` as well (base/elapsed.h); the mark is brought up to now and stored with the plan.
    // Otherwise waits, saying `what` happens when.
    bool aged(TimePoint since, TimePoint at, std::optional<MonotonicMark>& mark,
              const std::string& what) {
        const auto needed = std::chrono::duration_cast<Seconds>(at - since);
        if (obs.monotonic)
            mark = mark ? advance_mark(*mark, *obs.monotonic) : start_mark(*obs.monotonic);
        if (wait_over(since, needed, mark, now())) return true;
        const TimePoint end = wait_end(since, needed, mark, now());
        const Seconds behind = monotonic_remaining(needed, mark);
        std::string why = what + " at " + iso_time(end);
        if (behind.count() > 0)
            why += " (" + std::to_string(behind.count()) + " s of monotonic time to go)";
        wait(behind.count() > 0 ? std::min(end, now() + count_stored_every) : end, why);
        return false;
    }

    void move(KeyRecord& k, KeyState to) {
        plan.steps.push_back(describe(k) + ": " + std::string(state_name(k.state)) + " -> " +
                             std::string(state_name(to)));
        k.state = to;
        k.state_since = now();
        k.state_serial.reset();
        k.state_seen.reset();
        k.state_seen_mono.reset();
        if (to == KeyState::active && !k.activated) k.activated = now();
    }
};

std::string at_text(TimePoint t) {
    return iso_time(t);
}

// Never signed yet: one KSK and one ZSK become active together (no cache holds any key).
bool bootstrap(Context& c) {
    const bool live = std::any_of(c.keys().begin(), c.keys().end(), [](const KeyRecord& k) {
        return k.state != KeyState::generated && k.state != KeyState::removed;
    });
    if (live) return false;
    const auto ksk = c.with(Role::ksk, KeyState::generated);
    const auto zsk = c.with(Role::zsk, KeyState::generated);
    if (ksk.empty() || zsk.empty()) {
        c.plan.generate = ksk.empty() ? Role::ksk : Role::zsk;
        c.plan.reason = "the zone has no keys yet: generating its first " +
                        std::string(role_name(*c.plan.generate));
        return true;
    }
    c.move(c.keys()[ksk.front()], KeyState::active);
    c.move(c.keys()[zsk.front()], KeyState::active);
    c.plan.reason = "signing the zone for the first time";
    return true;
}

// When the active key of `role` is due for replacement (max when never).
TimePoint roll_due(const KeyRecord& active, Seconds lifetime) {
    if (active.roll_requested) return active.state_since;
    if (lifetime.count() <= 0 || !active.activated) return TimePoint::max();
    return *active.activated + lifetime;
}

void retire_old_zsks(Context& c) {
    for (const auto i : c.with(Role::zsk, KeyState::retired)) {
        auto& k = c.keys()[i];
        if (!k.state_seen) {
            c.wait(c.now() + c.policy.poll, "waiting for every server to serve the zone without " +
                                                describe(k) + "'s signatures");
            continue;
        }
        const TimePoint at = zsk_may_go_at(*k.state_seen, c.ttls, c.policy);
        if (c.aged(
                *k.state_seen, at, k.state_seen_mono,
                describe(k) + " leaves the DNSKEY RRset (its signatures may be cached until then)"))
            c.move(k, KeyState::removed);
    }
}

void zsk_track(Context& c) {
    retire_old_zsks(c);
    const auto active = c.with(Role::zsk, KeyState::active);
    if (const auto published = c.with(Role::zsk, KeyState::published); !published.empty()) {
        auto& n = c.keys()[published.front()];
        if (!n.state_seen) {
            c.wait(c.now() + c.policy.poll, "waiting for every server to serve " + describe(n));
            return;
        }
        const TimePoint at = zsk_may_sign_at(*n.state_seen, c.ttls, c.policy);
        if (!c.aged(*n.state_seen, at, n.state_seen_mono, describe(n) + " starts signing")) return;
        c.move(n, KeyState::active);
        for (const auto i : active) c.move(c.keys()[i], KeyState::retired);
        return;
    }
    if (active.empty()) return;
    if (const auto generated = c.with(Role::zsk, KeyState::generated); !generated.empty()) {
        c.move(c.keys()[generated.front()], KeyState::published);
        return;
    }
    if (!c.with(Role::zsk, KeyState::retired).empty()) return;  // the last rollover finishes first
    const auto& a = c.keys()[active.front()];
    const TimePoint due = roll_due(a, c.policy.zsk_lifetime);
    if (c.now() >= due) {
        c.plan.generate = Role::zsk;
        c.wait(c.now(), "zsk rollover: generating the successor of " + describe(a));
    } else if (due != TimePoint::max()) {
        c.wait(due, describe(a) + " rolls at " + at_text(due));
    }
}

Seconds ds_ttl(const Context& c) {
    std::uint32_t ttl = 0;
    for (const auto& s : c.obs.parent) ttl = std::max(ttl, s.answered ? s.ttl : 0U);
    return ttl > 0 ? Seconds{ttl} : c.policy.default_ds_ttl;
}

void withdraw_old_ds(Context& c) {
    for (const auto i : c.with(Role::ksk, KeyState::ds_withdrawn)) {
        auto& k = c.keys()[i];
        if (k.ds_gone)
            c.move(k, KeyState::removed);
        else
            c.wait(c.now() + c.policy.poll,
                   "waiting for the DS of " + describe(k) + " to leave every parent server");
    }
    const auto active = c.with(Role::ksk, KeyState::active);
    for (const auto i : c.with(Role::ksk, KeyState::retired)) {
        auto& k = c.keys()[i];
        const KeyRecord* successor = active.empty() ? nullptr : &c.keys()[active.front()];
        if (successor == nullptr || !successor->state_seen) {
            c.wait(c.now() + c.policy.poll,
                   "waiting for every server to serve the DNSKEY RRset without " + describe(k));
            continue;
        }
        const TimePoint at = old_ds_may_go_at(*successor->state_seen, c.ttls, c.policy);
        auto& successor_mono = c.keys()[active.front()].state_seen_mono;
        if (c.aged(*successor->state_seen, at, successor_mono,
                   "the DS of " + describe(k) + " is withdrawn"))
            c.move(k, KeyState::ds_withdrawn);
    }
}

// Double-DS: the new KSK replaces the old one once its DS has been at every parent server for
// the DS TTL, and the parent still shows it everywhere now.
void switch_ksk(Context& c, KeyRecord& n, const std::vector<std::size_t>& active) {
    if (!n.ds_seen) {
        c.wait(c.now() + c.policy.poll,
               "waiting for the DS of " + describe(n) + " at every parent server");
        return;
    }
    const TimePoint at = ksk_may_switch_at(*n.ds_seen, ds_ttl(c), c.policy);
    if (!c.aged(*n.ds_seen, at, n.ds_seen_mono, describe(n) + " replaces the old KSK")) return;
    if (!ds_at_every_parent_server(n, c.obs, c.owner)) {
        c.wait(c.now() + c.policy.poll,
               "the DS of " + describe(n) + " is not confirmed at every parent server now");
        return;
    }
    c.move(n, KeyState::active);
    for (const auto i : active) c.move(c.keys()[i], KeyState::retired);
}

void ksk_track(Context& c) {
    withdraw_old_ds(c);
    const auto active = c.with(Role::ksk, KeyState::active);
    if (const auto awaiting = c.with(Role::ksk, KeyState::awaiting_ds); !awaiting.empty()) {
        switch_ksk(c, c.keys()[awaiting.front()], active);
        return;
    }
    if (active.empty()) return;
    if (!c.with(Role::ksk, KeyState::retired).empty() ||
        !c.with(Role::ksk, KeyState::ds_withdrawn).empty())
        return;  // the last rollover finishes first
    const auto generated = c.with(Role::ksk, KeyState::generated);
    const auto& a = c.keys()[active.front()];
    const TimePoint due = generated.empty() ? roll_due(a, c.policy.ksk_lifetime) : c.now();
    if (c.now() < due) {
        if (due != TimePoint::max()) c.wait(due, describe(a) + " rolls at " + at_text(due));
        return;
    }
    if (!c.obs.parent_observed) {
        c.wait(c.now() + c.policy.recheck,
               "ksk rollover wanted, but without the parent's servers the DS cannot be watched");
        return;
    }
    if (!generated.empty())
        c.move(c.keys()[generated.front()], KeyState::awaiting_ds);
    else {
        c.plan.generate = Role::ksk;
        c.wait(c.now(), "ksk rollover: generating the successor of " + describe(a));
    }
}

bool fragile(const ZoneKeys& keys) {
    return std::any_of(keys.keys.begin(), keys.keys.end(), [](const KeyRecord& k) {
        const bool unseen_signer = k.state == KeyState::active && !k.state_seen;
        const bool ksk_switching = k.role == Role::ksk && k.state == KeyState::retired;
        return unseen_signer || ksk_switching;
    });
}

}  // namespace

Plan plan_keys(const ZoneKeys& stored, const KeyPolicy& policy, const ZoneTtls& ttls,
               const KeyObservations& obs) {
    const std::string owner = owner_wire(stored.zone).value_or(std::string());
    Plan plan;
    plan.observed = record_observations(stored, obs, owner);
    plan.next = plan.observed;
    plan.next_due = obs.now + policy.recheck;
    Context c{policy, ttls, obs, owner, plan};
    if (!bootstrap(c)) {
        zsk_track(c);
        ksk_track(c);
    }
    if (plan.generate) {  // the new key comes first; the next plan decides the rest again
        plan.next = plan.observed;
        plan.steps.clear();
        plan.generate_algorithm = policy.algorithm;
        for (const auto& k : plan.observed.keys) {
            if (k.state == KeyState::active && k.role == *plan.generate)
                plan.generate_algorithm = k.algorithm;
        }
    }
    plan.selection = select_keys(plan.next, owner);
    plan.sign = plan.selection != select_keys(plan.observed, owner);
    if (plan.generate || !plan.steps.empty()) plan.next_due = obs.now;
    plan.fragile = fragile(plan.next);
    if (plan.reason.empty()) plan.reason = plan.steps.empty() ? "nothing due" : "key step";
    return plan;
}

}  // namespace dk::zone::dnssec_keys
