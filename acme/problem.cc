#include "acme/problem.h"

#include <nlohmann/json.hpp>

#include "acme/json_reply.h"

namespace dk::acme {
namespace {

constexpr std::string_view acme_prefix = "urn:ietf:params:acme:error:";

std::string string_member(const nlohmann::json& object, const char* key) {
    auto it = object.find(key);
    if (it == object.end() || !it->is_string()) return {};
    return printable_text(it->get_ref<const std::string&>());
}

}  // namespace

std::string printable_text(std::string_view text, std::size_t max) {
    std::string out;
    for (char c : text.substr(0, max)) {
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7f) ? '?' : c;
    }
    if (text.size() > max) out += "...";
    return out;
}

std::string short_problem_type(std::string_view type) {
    if (type.starts_with(acme_prefix)) type.remove_prefix(acme_prefix.size());
    return printable_text(type, 100);
}

std::optional<Problem> parse_problem(std::string_view body) {
    auto doc = parse_json_reply(body, "problem");
    if (!doc.ok()) return std::nullopt;
    return problem_from(*doc);
}

std::optional<Problem> problem_from(const nlohmann::json& doc) {
    if (!doc.is_object()) return std::nullopt;
    auto type = doc.find("type");
    if (type == doc.end() || !type->is_string()) return std::nullopt;
    Problem p;
    p.type = short_problem_type(type->get_ref<const std::string&>());
    p.detail = string_member(doc, "detail");
    if (auto status = doc.find("status"); status != doc.end() && status->is_number_integer() &&
                                          status->get<long long>() >= 100 &&
                                          status->get<long long>() <= 599) {
        p.status = static_cast<int>(status->get<long long>());
    }
    auto subs = doc.find("subproblems");
    if (subs != doc.end() && subs->is_array()) {
        for (const auto& sub : *subs) {
            if (p.subproblems.size() == 10) break;
            if (!sub.is_object()) continue;
            Subproblem s{short_problem_type(string_member(sub, "type")),
                         string_member(sub, "detail"), ""};
            if (auto id = sub.find("identifier"); id != sub.end() && id->is_object())
                s.identifier = string_member(*id, "type") + ":" + string_member(*id, "value");
            p.subproblems.push_back(std::move(s));
        }
    }
    return p;
}

std::string Problem::one_line() const {
    std::string out = type;
    if (status != 0) out += " (HTTP " + std::to_string(status) + ")";
    if (!detail.empty()) out += ": " + detail;
    for (const auto& s : subproblems) {
        out += "; " + s.type;
        if (!s.identifier.empty()) out += " " + s.identifier;
        if (!s.detail.empty()) out += ": " + s.detail;
    }
    return out;
}

}  // namespace dk::acme
