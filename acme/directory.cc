#include "acme/directory.h"

#include <nlohmann/json.hpp>

#include "acme/json_reply.h"
#include "acme/problem.h"

namespace dk::acme {
namespace {

using nlohmann::json;

Result<json> object_of(std::string_view body, const std::string& source) {
    DK_TRY(json doc, parse_json_reply(body, source));
    if (!doc.is_object()) return Error::environment(source + ": not a JSON object");
    return doc;
}

// A required string member; `url` adds the URL check.
Result<std::string> text(const json& o, const char* key, const std::string& source,
                         bool url = false) {
    auto it = o.find(key);
    if (it == o.end() || !it->is_string())
        return Error::environment(source + ": " + key + " missing or not a string");
    const std::string& value = it->get_ref<const std::string&>();
    if (url && !https_url(value))
        return Error::environment(source + ": " + key +
                                  " is not an https URL: " + printable_text(value, 100));
    return value;
}

// An optional URL member we follow: absent is nullopt, anything but an https URL an error.
Result<std::optional<std::string>> optional_url(const json& o, const char* key,
                                                const std::string& source) {
    if (!o.contains(key)) return std::optional<std::string>{};
    DK_TRY(std::string url, text(o, key, source, true));
    return std::optional<std::string>{std::move(url)};
}

std::string problem_line(const json& o) {
    auto it = o.find("error");
    if (it == o.end() || !it->is_object()) return {};
    auto p = problem_from(*it);
    return p ? p->one_line() : std::string("unreadable error");
}

// RFC 8555 section 8.1: base64url characters only; it becomes a file name and a label.
Result<std::string> challenge_token(const json& o, const std::string& source) {
    if (!o.contains("token")) return std::string();
    DK_TRY(std::string token, text(o, "token", source));
    if (token.empty() || token.size() > 256 ||
        token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                "0123456789-_") != std::string::npos) {
        return Error::environment(source + ": challenge token is not base64url");
    }
    return token;
}

// The array member `key` of o; environment error "KEY missing" when there is none.
Result<const json*> array_member(const json& o, const char* key, const std::string& source) {
    auto it = o.find(key);
    if (it == o.end() || !it->is_array())
        return Error::environment(source + ": " + key + " missing");
    return &*it;
}

}  // namespace

bool https_url(std::string_view url) {
    constexpr std::size_t host = std::string_view("https://").size();
    if (!url.starts_with("https://")) return false;
    if (url.size() <= host || url.size() > 2000) return false;
    for (char c : url) {
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            return false;
    }
    return url[host] != '/';
}

Result<Directory> parse_directory(std::string_view body, const std::string& source) {
    DK_TRY(json o, object_of(body, source));
    Directory d;
    DK_TRY(d.new_nonce, text(o, "newNonce", source, true));
    DK_TRY(d.new_account, text(o, "newAccount", source, true));
    DK_TRY(d.new_order, text(o, "newOrder", source, true));
    DK_TRY(d.renewal_info, optional_url(o, "renewalInfo", source));
    if (auto meta = o.find("meta"); meta != o.end() && meta->is_object()) {
        // Only shown, never followed: Pebble's is a data: URL, which is simply left out.
        auto terms = meta->find("termsOfService");
        if (terms != meta->end() && terms->is_string() &&
            https_url(terms->get_ref<const std::string&>()))
            d.terms_of_service = terms->get<std::string>();
        auto ear = meta->find("externalAccountRequired");
        d.external_account_required = ear != meta->end() && ear->is_boolean() && ear->get<bool>();
    }
    return d;
}

namespace {

Result<Challenge> challenge_from(const json& object, const std::string& source) {
    Challenge c;
    DK_TRY(c.type, text(object, "type", source));
    DK_TRY(c.url, text(object, "url", source, true));
    DK_TRY(c.status, text(object, "status", source));
    DK_TRY(c.token, challenge_token(object, source));
    c.error = problem_line(object);
    return c;
}

}  // namespace

Result<Challenge> parse_challenge(std::string_view body, const std::string& source) {
    DK_TRY(json o, object_of(body, source));
    return challenge_from(o, source);
}

Result<Authorization> parse_authorization(std::string_view body, const std::string& source) {
    DK_TRY(json o, object_of(body, source));
    Authorization a;
    DK_TRY(a.status, text(o, "status", source));
    auto id = o.find("identifier");
    if (id == o.end() || !id->is_object()) return Error::environment(source + ": no identifier");
    DK_TRY(a.identifier, text(*id, "value", source));
    a.identifier = printable_text(a.identifier, 255);
    a.wildcard = o.contains("wildcard") && o["wildcard"].is_boolean() && o["wildcard"].get<bool>();
    DK_TRY(const json* list, array_member(o, "challenges", source));
    for (const auto& c : *list) {
        if (!c.is_object()) continue;  // a challenge we cannot read is one we do not use
        auto parsed = challenge_from(c, source);
        if (parsed.ok()) a.challenges.push_back(std::move(parsed).value());
    }
    return a;
}

Result<Order> parse_order(std::string_view body, const std::string& source) {
    DK_TRY(json o, object_of(body, source));
    Order order;
    DK_TRY(order.status, text(o, "status", source));
    DK_TRY(order.finalize, text(o, "finalize", source, true));
    DK_TRY(const json* list, array_member(o, "authorizations", source));
    for (const auto& url : *list) {
        if (!url.is_string() || !https_url(url.get_ref<const std::string&>()))
            return Error::environment(source + ": an authorization is not an https URL");
        order.authorizations.push_back(url.get<std::string>());
    }
    DK_TRY(order.certificate, optional_url(o, "certificate", source));
    order.error = problem_line(o);
    return order;
}

Result<std::string> parse_account_status(std::string_view body, const std::string& source) {
    DK_TRY(json o, object_of(body, source));
    return text(o, "status", source);
}

Result<RenewalWindow> parse_renewal_info(std::string_view body, const std::string& source) {
    DK_TRY(json o, object_of(body, source));
    auto window = o.find("suggestedWindow");
    if (window == o.end() || !window->is_object())
        return Error::environment(source + ": suggestedWindow missing");
    DK_TRY(std::string start, text(*window, "start", source));
    DK_TRY(std::string end, text(*window, "end", source));
    auto s = parse_rfc3339(start), e = parse_rfc3339(end);
    if (!s || !e) return Error::environment(source + ": suggestedWindow times are not RFC 3339");
    if (*e <= *s) return Error::environment(source + ": suggestedWindow ends before it starts");
    return RenewalWindow{*s, *e};
}

}  // namespace dk::acme
