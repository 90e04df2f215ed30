#include "engine/state_json.h"

#include <nlohmann/json.hpp>

namespace dk::engine {
namespace {

using nlohmann::json;

json time_or_null(const std::optional<TimePoint>& t) {
    return t ? json(unix_seconds(*t)) : json(nullptr);
}

std::optional<TimePoint> time_from(const json& j, const char* field) {
    if (!j.contains(field) || j.at(field).is_null()) return std::nullopt;
    return from_unix_seconds(j.at(field).get<long long>());
}

json mark_or_null(const std::optional<MonotonicMark>& mark) {
    if (!mark) return nullptr;
    return json{{"boot_id", mark->boot_id},
                {"reading", mark->reading.count()},
                {"counted", mark->counted.count()},
                {"unbroken", mark->unbroken}};
}

// Absent in states stored before marks existed.
std::optional<MonotonicMark> mark_from(const json& j, const char* field) {
    if (!j.contains(field) || j.at(field).is_null()) return std::nullopt;
    const json& m = j.at(field);
    MonotonicMark mark;
    mark.boot_id = m.at("boot_id").get<std::string>();
    mark.reading = Seconds{m.at("reading").get<long long>()};
    mark.counted = Seconds{m.at("counted").get<long long>()};
    mark.unbroken = m.at("unbroken").get<bool>();
    if (mark.reading.count() < 0 || mark.counted.count() < 0)
        throw std::invalid_argument(std::string(field) + ": negative seconds");
    return mark;
}

json key_json(const std::optional<SlotKey>& key) {
    if (!key) return nullptr;
    return json{{"id", key->id},
                {"spki_sha256", to_hex(key->spki_sha256)},
                {"created_at", unix_seconds(key->created_at)},
                {"published_at", time_or_null(key->published_at)},
                {"published_mono", mark_or_null(key->published_mono)}};
}

std::optional<SlotKey> key_from(const json& j, const char* field) {
    if (!j.contains(field) || j.at(field).is_null()) return std::nullopt;
    const json& k = j.at(field);
    SlotKey key;
    key.id = k.at("id").get<std::string>();
    auto spki = from_hex(k.at("spki_sha256").get<std::string>());
    if (!spki || spki->size() != 32)
        throw std::invalid_argument(std::string(field) + ".spki_sha256 is not a SHA-256 digest");
    key.spki_sha256 = std::move(*spki);
    key.created_at = from_unix_seconds(k.at("created_at").get<long long>());
    key.published_at = time_from(k, "published_at");
    key.published_mono = mark_from(k, "published_mono");
    return key;
}

// Absent in states stored before issuer records existed, and while a slot has none.
std::vector<SlotIssuer> issuers_from(const json& j) {
    std::vector<SlotIssuer> out;
    if (!j.contains("issuers")) return out;
    for (const json& i : j.at("issuers")) {
        auto spki = from_hex(i.at("spki_sha256").get<std::string>());
        if (!spki || spki->size() != 32)
            throw std::invalid_argument("issuers.spki_sha256 is not a SHA-256 digest");
        out.push_back({std::move(*spki), time_from(i, "published_at")});
    }
    return out;
}

}  // namespace

std::string to_json(const SlotState& s) {
    json j{{"slot", s.slot},
           {"phase", std::string(to_string(s.phase))},
           {"current", key_json(s.current)},
           {"next", key_json(s.next)},
           {"previous", key_json(s.previous)},
           {"switch_not_before", time_or_null(s.switch_not_before)},
           {"current_cert_not_after", time_or_null(s.current_cert_not_after)},
           {"next_cert_not_after", time_or_null(s.next_cert_not_after)},
           {"renewal_cert_not_after", time_or_null(s.renewal_cert_not_after)},
           {"next_deployed", s.next_deployed},
           {"emergency", s.emergency},
           {"failed_verifications", s.failed_verifications}};
    if (!s.issuers.empty()) {
        json issuers = json::array();
        for (const auto& i : s.issuers) {
            issuers.push_back({{"spki_sha256", to_hex(i.spki_sha256)},
                               {"published_at", time_or_null(i.published_at)}});
        }
        j["issuers"] = std::move(issuers);
    }
    return j.dump();
}

Result<SlotState> slot_state_from_json(std::string_view text) {
    try {
        const json j = json::parse(text);
        SlotState s;
        s.slot = j.at("slot").get<std::string>();
        const auto phase = j.at("phase").get<std::string>();
        if (phase != "steady" && phase != "rolling")
            return Error::bad_input("slot state: unknown phase '" + phase + "'");
        s.phase = phase == "rolling" ? Phase::rolling : Phase::steady;
        s.current = key_from(j, "current");
        s.next = key_from(j, "next");
        s.previous = key_from(j, "previous");
        s.switch_not_before = time_from(j, "switch_not_before");
        s.current_cert_not_after = time_from(j, "current_cert_not_after");
        s.next_cert_not_after = time_from(j, "next_cert_not_after");
        s.renewal_cert_not_after = time_from(j, "renewal_cert_not_after");
        s.next_deployed = j.at("next_deployed").get<bool>();
        s.emergency = j.at("emergency").get<bool>();
        s.failed_verifications = j.at("failed_verifications").get<int>();
        s.issuers = issuers_from(j);
        return s;
    } catch (const std::exception& e) {
        return Error::bad_input(std::string("slot state is not valid: ") + e.what());
    }
}

}  // namespace dk::engine
