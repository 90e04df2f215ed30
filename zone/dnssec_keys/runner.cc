#include "zone/dnssec_keys/runner.h"

#include "base/log.h"
#include "base/strings.h"
#include "zone/dnssec_keys/transitions.h"

namespace dk::zone::dnssec_keys {
namespace {

Status make_key(const KeySetup& setup, KeyPorts& ports, const Plan& plan, TimePoint now) {
    DK_TRY(MadeKey made,
           ports.maker.generate(*plan.generate, plan.generate_algorithm, plan.observed.keys, now));
    const std::string key = describe(made.record);
    if (auto saved = ports.store.save(with_new_key(plan.observed, made.record), now,
                                      "dnssec_key_generated", key + " " + made.file, std::nullopt);
        !saved.ok()) {
        ports.maker.discard(made);
        return saved.error();
    }
    log::info("dnssec.key_generated", {{"zone", setup.zone}, {"key", key}, {"file", made.file}});
    return {};
}

// Signs with the plan's selection and commits its steps; when the signing fails, keeps only what
// the observations proved and returns the failure.
Status sign_and_commit(const KeySetup& setup, KeyPorts& ports, const Plan& plan,
                       const ZoneKeys& stored, TimePoint now) {
    auto serial = ports.signer.sign(plan.next, plan.selection);
    if (!serial.ok()) {
        if (plan.observed != stored)
            DK_TRY_STATUS(
                ports.store.save(plan.observed, now, "dnssec_observed", plan.reason, std::nullopt));
        log::error("dnssec.sign_failed", {{"zone", setup.zone},
                                          {"steps", join(plan.steps, "; ")},
                                          {"error", serial.error().message}});
        return serial.error();
    }
    return ports.store.save(commit_signed(plan.next, *serial), now, "dnssec_key_step",
                            join(plan.steps, "; "), *serial);
}

}  // namespace

Result<Plan> run_keys(const KeySetup& setup, KeyPorts& ports, const KeyStepListener& on_step,
                      int max_rounds) {
    Plan plan;
    for (int round = 0; round < max_rounds; ++round) {
        DK_TRY(const ZoneKeys stored, ports.store.load());
        KeyObservations observed = ports.observer.observe(ports.clock.now());
        observed.monotonic = ports.clock.monotonic();
        plan = plan_keys(stored, setup.policy, setup.ttls, observed);
        const TimePoint now = ports.clock.now();
        if (plan.generate) {
            DK_TRY_STATUS(make_key(setup, ports, plan, now));
            continue;
        }
        if (plan.sign) {
            DK_TRY_STATUS(sign_and_commit(setup, ports, plan, stored, now));
        } else if (plan.next != stored) {
            const bool stepped = !plan.steps.empty();
            DK_TRY_STATUS(
                ports.store.save(plan.next, now, stepped ? "dnssec_key_step" : "dnssec_observed",
                                 stepped ? join(plan.steps, "; ") : plan.reason, std::nullopt));
        }
        for (const auto& step : plan.steps) {
            log::info("dnssec.key_step", {{"zone", setup.zone}, {"step", step}});
            if (on_step) on_step(step);
        }
        if (plan.steps.empty()) break;
    }
    log::debug("dnssec.waiting", {{"zone", setup.zone},
                                  {"reason", plan.reason},
                                  {"next", iso_time(plan.next_due)},
                                  {"fragile", plan.fragile ? "yes" : "no"}});
    return plan;
}

}  // namespace dk::zone::dnssec_keys
