#include "service/keys/delivery.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/files.h"
#include "base/log.h"
#include "cert/chain.h"
#include "cert/keys.h"
#include "cert/tlsa_data.h"

namespace dk::service {
namespace {

const engine::SlotKey* key_by_id(const engine::SlotState& state, const std::string& id) {
    if (state.current && state.current->id == id) return &*state.current;
    if (state.next && state.next->id == id) return &*state.next;
    return nullptr;
}

}  // namespace

std::string delivery_path(const config::Config& config, const std::string& slot) {
    return config.state_dir + "/deliveries/" + slot + ".pem";
}

Result<CheckedDelivery> check_delivery(const engine::SlotState& state, const FileKeyVault& vault,
                                       const std::string& chain_text,
                                       const std::string& chain_source,
                                       const std::optional<std::string>& key_text,
                                       const std::string& key_source) {
    DK_TRY(cert::Chain chain, cert::parse_chain_pem(chain_text, chain_source));
    DK_TRY(Bytes leaf_spki, cert::spki_sha256(*chain.front()));
    if (key_text) {
        DK_TRY(ossl::EvpPkeyPtr key, cert::parse_private_key_pem(*key_text, key_source));
        DK_TRY(Bytes key_spki, cert::spki_sha256(*key));
        if (key_spki != leaf_spki) {
            return CheckedDelivery{
                {engine::DeliveryVerdict::refuse, "",
                 key_source + " is not the key of the certificate in " + chain_source},
                ""};
        }
    }
    CheckedDelivery out;
    out.decision = engine::decide_delivery(state, {leaf_spki, cert::not_after(*chain.front())},
                                           std::chrono::system_clock::now());
    if (out.decision.verdict == engine::DeliveryVerdict::refuse) return out;
    const engine::SlotKey* key = key_by_id(state, out.decision.key_id);
    if (key == nullptr) return Error::environment("delivery decided for an unknown key");
    auto checked = vault.check_chain_for_key(chain_text, *key, chain_source);
    if (!checked.ok()) {
        if (checked.error().kind != ErrorKind::check_failed) return checked.error();
        out.decision = {engine::DeliveryVerdict::refuse, key->id, checked.error().message};
        return out;
    }
    out.chain_pem = std::move(*checked);
    return out;
}

Status record_refusal(engine::StateStore& states, const std::string& slot,
                      const std::string& source, const std::string& reason) {
    log::warn("hook.refused", {{"slot", slot}, {"chain", source}, {"reason", reason}});
    return states.record_event(slot, "hook_refused", source + ": " + reason);
}

Status leave_delivery(const config::Config& config, engine::StateStore& states,
                      const std::string& slot, const std::string& source,
                      const CheckedDelivery& checked) {
    const std::string dir = config.state_dir + "/deliveries";
    ::mkdir(dir.c_str(), 0700);
    DK_TRY_STATUS(files::write_atomic(delivery_path(config, slot), checked.chain_pem, 0600,
                                      files::Overwrite::yes));
    return states.record_event(slot, "hook_accepted", source + ": " + checked.decision.reason);
}

Status take_delivery(const config::Config& config, engine::StateStore& states, FileKeyVault& vault,
                     const std::string& slot) {
    const std::string path = delivery_path(config, slot);
    if (::access(path.c_str(), F_OK) != 0) return {};
    DK_TRY(std::string text, files::read_limited(path));
    DK_TRY(auto loaded, states.load(slot));
    if (!loaded) return {};  // not adopted: the hook refused already; keep it for after adopt
    engine::SlotState state = *loaded;
    auto checked = check_delivery(state, vault, text, path, std::nullopt, "");
    ::unlink(path.c_str());
    if (!checked.ok()) return checked.error().context("delivered certificate");
    const auto& decision = checked->decision;
    engine::ObtainedCertificate stored;
    switch (decision.verdict) {
        case engine::DeliveryVerdict::already_have:
            return {};
        case engine::DeliveryVerdict::refuse:
            log::warn("hook.refused", {{"slot", slot}, {"reason", decision.reason}});
            DK_TRY_STATUS(states.record_event(slot, "hook_refused", decision.reason));
            return Error::check_failed("slot " + slot +
                                       ": delivered certificate refused: " + decision.reason);
        case engine::DeliveryVerdict::renew_current: {
            DK_TRY(stored, vault.store_chain(*state.current, text, path));
            state.renewal_cert_not_after = stored.not_after;
            break;
        }
        case engine::DeliveryVerdict::for_next: {
            DK_TRY(stored, vault.store_chain(*state.next, text, path));
            state.next_cert_not_after = stored.not_after;
            break;
        }
    }
    log::info("hook.taken", {{"slot", slot}, {"key", decision.key_id}});
    return states.save(state, "hook_delivered", decision.reason + ": " + stored.describe());
}

}  // namespace dk::service
