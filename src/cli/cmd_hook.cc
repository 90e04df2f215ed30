// `danekeeper hook deliver SLOT CHAIN KEY` and `hook csr SLOT`: the bridge to the ACME client an
// operator already runs (certbot, acme.sh, dehydrated; ready scripts in hooks/).

#include <cstdio>

#include "base/files.h"
#include "cli/handlers.h"
#include "cli/step_printer.h"
#include "cli/verb_options.h"
#include "service/daemon/requests.h"
#include "service/daemon/slot_runs.h"
#include "service/keys/delivery.h"
#include "service/runtime/runtime.h"

namespace dk::cli {
namespace {

constexpr const char* usage =
    "danekeeper hook deliver SLOT CHAIN KEY | hook csr SLOT [--next] [-o FILE]";

struct HookArgs {
    std::vector<std::string> positional;
    bool next = false;
    std::optional<std::string> out;
};

struct SlotContext {
    const config::SlotConfig* slot = nullptr;
    engine::SlotState state;
};

Result<SlotContext> hook_slot(service::Runtime& rt, const std::string& name) {
    const auto* slot = rt.config.slot(name);
    if (slot == nullptr)
        return Error::bad_input("no key slot named '" + name + "' in " + rt.config.source);
    if (slot->certificates != "hook") {
        return Error::bad_input(rt.config.source + ": slot " + name + " takes certificates from '" +
                                slot->certificates + "'; set certificates = \"hook\" to deliver");
    }
    DK_TRY(auto loaded, rt.states.load(name));
    if (!loaded)
        return Error::bad_input("slot " + name + " is not adopted yet (danekeeper adopt " + name +
                                ")");
    return SlotContext{slot, *loaded};
}

int deliver(const Invocation& inv, const std::string& slot_name, const std::string& chain_file,
            const std::string& key_file) {
    // The client's files are read as whoever runs the hook (often root); state is touched only as
    // the owner of state_dir (open_runtime).
    auto chain_text = files::read_limited(chain_file);
    if (!chain_text.ok()) return fail(chain_text.error());
    auto key_text = files::read_limited(key_file);
    if (!key_text.ok()) return fail(key_text.error());
    auto rt = service::open_runtime(inv.globals.config_path, service::Locking::read_only);
    if (!rt.ok()) return fail(rt.error());
    auto ctx = hook_slot(**rt, slot_name);
    if (!ctx.ok()) return fail(ctx.error());
    service::FileKeyVault vault((*rt)->config.state_dir, *ctx->slot);
    auto checked =
        service::check_delivery(ctx->state, vault, *chain_text, chain_file, *key_text, key_file);
    if (!checked.ok()) return fail(checked.error());
    const auto& decision = checked->decision;
    if (decision.verdict == engine::DeliveryVerdict::refuse) {
        if (auto s = service::record_refusal((*rt)->states, slot_name, chain_file, decision.reason);
            !s.ok())
            return fail(s.error());
        std::fprintf(stderr,
                     "danekeeper: REFUSED %s for slot %s: %s; the served certificate stays as it "
                     "is\n",
                     chain_file.c_str(), slot_name.c_str(), decision.reason.c_str());
        return to_int(exit_code_for(ErrorKind::check_failed));
    }
    if (decision.verdict == engine::DeliveryVerdict::already_have) {
        std::printf("nothing to do: %s\n", decision.reason.c_str());
        return 0;
    }
    if (auto s =
            service::leave_delivery((*rt)->config, (*rt)->states, slot_name, chain_file, *checked);
        !s.ok())
        return fail(s.error());
    std::printf("accepted: %s\n", decision.reason.c_str());
    if (const long pid = service::wake_running_daemon((*rt)->config.state_dir); pid != 0) {
        std::printf("handed to the running daemon (pid %ld), which deploys and verifies it\n", pid);
        return 0;
    }
    // No daemon: take the lock and let the engine deploy and verify it now.
    const std::string state_dir = (*rt)->config.state_dir;
    rt->reset();
    auto locked = service::open_runtime(inv.globals.config_path, service::Locking::exclusive);
    if (!locked.ok()) return fail(locked.error());
    return service::run_slots(**locked, {slot_name}, engine::RunMode::apply, printing_hooks(),
                              nullptr);
}

int write_csr(const Invocation& inv, const std::string& slot_name, const HookArgs& args) {
    if (args.out) {  // a mistyped -o is the caller's, not the environment's
        if (auto s = check_output_path("--output", *args.out); !s.ok()) return fail(s.error());
    }
    auto rt = service::open_runtime(inv.globals.config_path, service::Locking::read_only);
    if (!rt.ok()) return fail(rt.error());
    auto ctx = hook_slot(**rt, slot_name);
    if (!ctx.ok()) return fail(ctx.error());
    const auto& key = args.next ? ctx->state.next : ctx->state.current;
    if (!key)
        return fail(Error::bad_input("slot " + slot_name + " has no " +
                                     (args.next ? "next" : "current") + " key yet"));
    service::FileKeyVault vault((*rt)->config.state_dir, *ctx->slot);
    auto csr = vault.make_csr(*key);
    if (!csr.ok()) return fail(csr.error());
    if (args.out) {
        if (auto s = files::write_atomic(*args.out, *csr, 0644, files::Overwrite::yes); !s.ok())
            return fail(s.error());
    } else {
        std::fputs(csr->c_str(), stdout);
    }
    return 0;
}

}  // namespace

int run_hook(const Invocation& inv) {
    VerbOptions options(inv, usage);
    options.add()("next", "csr: for the slot's next key instead of the current one")(
        "o,output", "csr: write to FILE instead of standard output", cxxopts::value<std::string>());
    options.positional();
    if (auto stop = options.parse()) return *stop;
    HookArgs args;
    args.positional = options.words();
    args.next = options.result().count("next") > 0;
    if (options.result().count("output")) args.out = options.result()["output"].as<std::string>();
    const auto& p = args.positional;
    if (p.size() == 4 && p[0] == "deliver") return deliver(inv, p[1], p[2], p[3]);
    if (p.size() == 2 && p[0] == "csr") return write_csr(inv, p[1], args);
    return fail(Error::bad_input(std::string("usage: ") + usage));
}

}  // namespace dk::cli
