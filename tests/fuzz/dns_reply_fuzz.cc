// Feeds bytes as the reply to a signed UPDATE and to an unsigned query: check_reply must never
// crash or accept a reply whose ID differs; accepted replies are classified.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>

#include "zone/dns_transport.h"
#include "zone/update_message.h"
#include "zone/update_reply.h"

namespace {

using namespace dk::zone;

const TsigKey kKey{"dk-update.", TsigAlgorithm::hmac_sha256, "c2VjcmV0LWZvci1mdXp6aW5n"};

dk::ldns::PktPtr make_update() {
    ZoneChange change{"example.test.",
                      {{ChangeAction::add, "_25._tcp.mx1.example.test.", LDNS_RR_TYPE_TLSA, 300,
                        "3 1 1 " + std::string(64, 'a')}},
                      {{"_25._tcp.mx1.example.test.", LDNS_RR_TYPE_TLSA, 0, {}}}};
    auto pkt = build_update(change);
    if (!pkt) std::abort();
    ldns_pkt_set_id(pkt->get(), 0x1234);
    ldns_pkt_tsig_sign(pkt->get(), kKey.name.c_str(), kKey.secret_base64.c_str(), 300,
                       "hmac-sha256.", nullptr);
    return std::move(*pkt);
}

void check(const ldns_pkt& sent, const std::uint8_t* data, std::size_t size,
           const std::optional<TsigKey>& key) {
    ExchangeOutcome out = check_reply("fuzz", sent, {data, size}, key, 300, 1700000000);
    if (out.ok()) {
        if (ldns_pkt_id(out.reply.get()) != ldns_pkt_id(&sent)) std::abort();
        (void)classify_update_reply("fuzz", *out.reply);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 65535) return 0;  // no DNS message is longer
    static const dk::ldns::PktPtr update = make_update();
    check(*update, data, size, kKey);
    check(*update, data, size, std::nullopt);
    return 0;
}
