#include "acme/directory.h"

#include <ctime>
#include <nlohmann/json.hpp>

#include "acme/problem.h"

namespace dk::acme {
namespace {

using nlohmann::json;

Result<json> object_of(std::string_view body, const std::string& source) {
    auto doc = json::parse(body, nullptr, false);
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
    if (url && !plausible_url(value))
        return Error::environment(source + ": " + key +
                                  " is not an http(s) URL: " + printable_text(value, 100));
    return value;
}

std::optional<std::string> optional_url(const json& o, const char* key) {
    auto it = o.find(key);
    if (it == o.end() || !it->is_string() || !plausible_url(it->get_ref<const std::string&>()))
        return std::nullopt;
    return it->get<std::string>();
}

std::string problem_line(const json& o) {
    auto it = o.find("error");
    if (it == o.end() || !it->is_object()) return {};
    auto p = parse_problem(it->dump());
    return p ? p->one_line() : std::string("unreadable error");
}

int digits(std::string_view s, std::size_t pos, std::size_t n) {
    if (pos + n > s.size()) return -1;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

}  // namespace

bool plausible_url(std::string_view url) {
    std::size_t host = 0;
    if (url.starts_with("https://"))
        host = 8;
    else if (url.starts_with("http://"))
        host = 7;
    else
        return false;
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
    d.renewal_info = optional_url(o, "renewalInfo");
    if (auto meta = o.find("meta"); meta != o.end() && meta->is_object()) {
        d.terms_of_service = optional_url(*meta, "termsOfService");
        auto ear = meta->find("externalAccountRequired");
        d.external_account_required = ear != meta->end() && ear->is_boolean() && ear->get<bool>();
    }
    return d;
}

Result<Challenge> parse_challenge(std::string_view body, const std::string& source) {
    DK_TRY(json o, object_of(body, source));
    Challenge c;
    DK_TRY(c.type, text(o, "type", source));
    DK_TRY(c.url, text(o, "url", source, true));
    DK_TRY(c.status, text(o, "status", source));
    if (o.contains("token")) {
        DK_TRY(c.token, text(o, "token", source));
        // RFC 8555 section 8.1: base64url characters only; it becomes a file name and a label.
        if (c.token.empty() || c.token.size() > 256 ||
            c.token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                      "0123456789-_") != std::string::npos) {
            return Error::environment(source + ": challenge token is not base64url");
        }
    }
    c.error = problem_line(o);
    return c;
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
    auto list = o.find("challenges");
    if (list == o.end() || !list->is_array())
        return Error::environment(source + ": challenges missing");
    for (const auto& c : *list) {
        auto parsed = parse_challenge(c.dump(), source);
        if (parsed.ok()) a.challenges.push_back(std::move(parsed).value());
    }
    return a;
}

Result<Order> parse_order(std::string_view body, const std::string& source) {
    DK_TRY(json o, object_of(body, source));
    Order order;
    DK_TRY(order.status, text(o, "status", source));
    DK_TRY(order.finalize, text(o, "finalize", source, true));
    auto list = o.find("authorizations");
    if (list == o.end() || !list->is_array())
        return Error::environment(source + ": authorizations missing");
    for (const auto& url : *list) {
        if (!url.is_string() || !plausible_url(url.get_ref<const std::string&>()))
            return Error::environment(source + ": an authorization is not a URL");
        order.authorizations.push_back(url.get<std::string>());
    }
    order.certificate = optional_url(o, "certificate");
    order.error = problem_line(o);
    return order;
}

Result<std::string> parse_account_status(std::string_view body, const std::string& source) {
    DK_TRY(json o, object_of(body, source));
    return text(o, "status", source);
}

std::optional<TimePoint> parse_rfc3339(std::string_view s) {
    const int year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
    const int hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2);
    if (year < 1970 || year > latest_plausible_year || month < 1 || month > 12 || day < 1 ||
        day > 31 || hour > 23 || minute > 59 || second > 60 || hour < 0 || minute < 0 || second < 0)
        return std::nullopt;
    if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
        s[16] != ':')
        return std::nullopt;
    std::size_t pos = 19;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        const std::size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
        if (pos == start) return std::nullopt;
    }
    long long offset = 0;
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        const int oh = digits(s, pos + 1, 2), om = digits(s, pos + 4, 2);
        if (oh < 0 || om < 0 || oh > 23 || om > 59 || s[pos + 3] != ':') return std::nullopt;
        offset = (s[pos] == '+' ? 1 : -1) * (oh * 3600LL + om * 60LL);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    return from_unix_seconds(static_cast<long long>(timegm(&tm)) - offset);
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
