// Two slots, rsa-2048 and ecdsa-p256, on one endpoint that serves both chains: each slot's prober
// offers only its family, so the RSA slot's planner sees the RSA key and publishes its records
// beside the ECDSA slot's (never touching them). Probing as before, with every algorithm offered,
// shows the RSA slot the ECDSA chain: "neither current nor next", and nothing is ever published.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/planner.h"
#include "engine/safety.h"
#include "fake_server.h"
#include "service/observe/prober_adapter.h"

namespace dk::service {
namespace {

using probe::KeyFamily;
using probe::testing::FakeServer;
using probe::testing::make_identity;
using probe::testing::serve_tls_pair;
using probe::testing::TestIdentity;

const TestIdentity& ecdsa_identity() {
    static const TestIdentity id = make_identity("mx.example.net", cert::KeyAlgorithm::ecdsa_p256);
    return id;
}
const TestIdentity& rsa_identity() {
    static const TestIdentity id = make_identity("mx.example.net", cert::KeyAlgorithm::rsa_2048);
    return id;
}

engine::SlotKey slot_key(const std::string& id, const Bytes& spki) {
    engine::SlotKey k;
    k.id = id;
    k.spki_sha256 = spki;
    k.created_at = from_unix_seconds(1'800'000'000);
    return k;
}

// The RSA slot right after adoption: its current key served, its next key made, not published;
// the owner holds the ECDSA slot's current and next records.
struct RsaSlot {
    Endpoint endpoint;
    engine::SlotState state;
    engine::OwnerView owner;
};

RsaSlot rsa_slot(std::uint16_t port) {
    RsaSlot s;
    s.endpoint = Endpoint{"mx.example.net", port, TlsStart::implicit};
    s.state.slot = "mx-rsa";
    s.state.current = slot_key("rsa-current", rsa_identity().spki_sha256);
    s.state.next = slot_key("rsa-next", Bytes(32, 0x52));
    s.owner.owner = tlsa_owner(s.endpoint.host, s.endpoint.port);
    s.owner.at_primary = {TlsaRecord{3, 1, 1, ecdsa_identity().spki_sha256},
                          TlsaRecord{3, 1, 1, Bytes(32, 0xec)}};
    s.owner.propagated = true;
    s.owner.validated = true;
    return s;
}

engine::Action plan_with(KeyFamily family, const RsaSlot& slot) {
    AddressBook book({{"mx.example.net.", {"127.0.0.1"}}}, std::nullopt);
    probe::ProbeOptions options;
    options.timeout = std::chrono::milliseconds(3000);
    ProberAdapter prober(book, options, family);
    engine::Observations obs;
    obs.now = from_unix_seconds(1'800'000'100);
    obs.owners = {slot.owner};
    obs.endpoints = prober.probe({slot.endpoint}, obs.owners);
    engine::SlotPolicy policy;
    policy.rollover_every = Seconds{86400 * 365};
    policy.renew_before = Seconds{86400 * 30};
    return engine::plan_next_action(slot.state, policy, obs);
}

TEST(ProberFamily, SlotsSharingAnEndpointProbeTheirOwnFamily) {
    const std::vector<Endpoint> mx{{"mx1.example.net", 25, TlsStart::smtp},
                                   {"mx2.example.net", 25, TlsStart::smtp}};
    const SlotChains rsa{"rsa-2048", mx};
    const SlotChains ecdsa{"ecdsa-p256", {mx[1]}};
    EXPECT_EQ(handshake_family(rsa, {rsa, ecdsa}), KeyFamily::rsa);
    EXPECT_EQ(handshake_family(ecdsa, {rsa, ecdsa}), KeyFamily::ecdsa);
    // Alone, or beside a slot of its own family or on other endpoints: every algorithm offered.
    EXPECT_EQ(handshake_family(rsa, {rsa}), KeyFamily::any);
    EXPECT_EQ(handshake_family(rsa, {rsa, SlotChains{"rsa-4096", mx}}), KeyFamily::any);
    const SlotChains submission{"ecdsa-p256", {{"mx1.example.net", 587, TlsStart::smtp}}};
    EXPECT_EQ(handshake_family(rsa, {rsa, submission}), KeyFamily::any);
}

TEST(ProberFamily, TheRsaSlotSeesItsKeyAndPublishesBesideTheEcdsaRecords) {
    FakeServer server([](int fd) { serve_tls_pair(fd, ecdsa_identity(), rsa_identity()); }, 1);
    const RsaSlot slot = rsa_slot(server.port());
    const auto action = plan_with(KeyFamily::rsa, slot);
    ASSERT_EQ(action.kind, engine::ActionKind::publish) << action.reason;
    // Only additions of the RSA slot's records, each guarded by the whole RRset as observed.
    ASSERT_EQ(action.changes.size(), 2U);
    for (const auto& change : action.changes) {
        EXPECT_EQ(change.op, engine::ChangeOp::add);
        EXPECT_EQ(change.expected, slot.owner.at_primary);
    }
    EXPECT_EQ(action.changes[0].record, engine::record_for(*slot.state.current));
    EXPECT_EQ(action.changes[1].record, engine::record_for(*slot.state.next));
}

TEST(ProberFamily, OfferingEveryAlgorithmShowsTheRsaSlotTheEcdsaChain) {
    // What the prober did before: the server prefers ECDSA, the RSA slot sees a key it does not
    // know and stops.
    FakeServer server([](int fd) { serve_tls_pair(fd, ecdsa_identity(), rsa_identity()); }, 1);
    const auto action = plan_with(KeyFamily::any, rsa_slot(server.port()));
    EXPECT_EQ(action.kind, engine::ActionKind::alert);
    EXPECT_NE(action.reason.find("neither current nor next"), std::string::npos) << action.reason;
}

TEST(ProberFamily, AnEndpointWithoutTheFamilysChainDoesNotPresentTheKey) {
    // The RSA chain removed from the server: the RSA slot's endpoint no longer presents its key.
    FakeServer server([](int fd) { probe::testing::serve_tls(fd, ecdsa_identity()); }, 1);
    AddressBook book({{"mx.example.net.", {"127.0.0.1"}}}, std::nullopt);
    ProberAdapter prober(book, probe::ProbeOptions{}, KeyFamily::rsa);
    const RsaSlot slot = rsa_slot(server.port());
    engine::Observations obs;
    obs.owners = {slot.owner};
    obs.endpoints = prober.probe({slot.endpoint}, obs.owners);
    ASSERT_EQ(obs.endpoints.size(), 1U);
    EXPECT_FALSE(obs.endpoints[0].reachable);
    EXPECT_NE(obs.endpoints[0].problem.find("no rsa chain offered"), std::string::npos)
        << obs.endpoints[0].problem;
    EXPECT_EQ(engine::endpoints_not_presenting(obs, *slot.state.current).size(), 1U);
}

}  // namespace
}  // namespace dk::service
