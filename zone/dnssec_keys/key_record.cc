#include "zone/dnssec_keys/key_record.h"

#include <array>
#include <utility>

namespace dk::zone::dnssec_keys {
namespace {

constexpr std::array<std::pair<KeyState, std::string_view>, 7> state_names{{
    {KeyState::generated, "generated"},
    {KeyState::awaiting_ds, "awaiting_ds"},
    {KeyState::published, "published"},
    {KeyState::active, "active"},
    {KeyState::retired, "retired"},
    {KeyState::ds_withdrawn, "ds_withdrawn"},
    {KeyState::removed, "removed"},
}};

}  // namespace

bool in_dnskey(const KeyRecord& k) {
    switch (k.state) {
        case KeyState::published:
        case KeyState::active:
            return true;
        case KeyState::retired:
            return k.role == Role::zsk;  // double-DS takes the old KSK out at the switch
        default:
            return false;
    }
}

bool signs(const KeyRecord& k) {
    return k.state == KeyState::active;
}

bool in_cds(const KeyRecord& k) {
    if (k.role != Role::ksk) return false;
    return k.state == KeyState::awaiting_ds || k.state == KeyState::active ||
           k.state == KeyState::retired;
}

std::string_view role_name(Role r) {
    return r == Role::ksk ? "ksk" : "zsk";
}

std::string_view state_name(KeyState s) {
    for (const auto& [state, name] : state_names) {
        if (state == s) return name;
    }
    return "?";
}

std::optional<Role> parse_role(std::string_view text) {
    if (text == "ksk") return Role::ksk;
    if (text == "zsk") return Role::zsk;
    return std::nullopt;
}

std::optional<KeyState> parse_state(std::string_view text) {
    for (const auto& [state, name] : state_names) {
        if (name == text) return state;
    }
    return std::nullopt;
}

std::string describe(const KeyRecord& k) {
    return std::string(role_name(k.role)) + " " + std::to_string(k.tag) + " (" +
           std::to_string(k.algorithm) + ")";
}

}  // namespace dk::zone::dnssec_keys
