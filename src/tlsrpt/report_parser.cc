#include "tlsrpt/report_parser.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "tlsrpt/gzip.h"

namespace dk::tlsrpt {
namespace {

using nlohmann::json;

// The JSON document, its nesting and its number of values bounded while it is read: a deeper or
// larger one is dropped unbuilt, so nothing later walks an unbounded tree.
Result<json> bounded_json(std::string_view text, const Limits& limits) {
    if (text.size() > limits.max_json_bytes)
        return Error::bad_input(std::to_string(text.size()) +
                                " bytes of JSON, more than the limit of " +
                                std::to_string(limits.max_json_bytes));
    bool too_deep = false;
    std::size_t values = 0;
    const json::parser_callback_t bound = [&](int depth, json::parse_event_t event, json&) {
        using E = json::parse_event_t;
        if ((event == E::object_start || event == E::array_start) && depth >= limits.max_depth)
            too_deep = true;
        if (event == E::value) ++values;
        return !too_deep && values <= limits.max_values;
    };
    auto doc = json::parse(text, bound, false);
    if (too_deep)
        return Error::bad_input("JSON nested deeper than " + std::to_string(limits.max_depth) +
                                " levels");
    if (values > limits.max_values)
        return Error::bad_input("more than " + std::to_string(limits.max_values) + " JSON values");
    if (doc.is_discarded()) return Error::bad_input("not JSON");
    if (!doc.is_object()) return Error::bad_input("not a JSON object");
    return doc;
}

// Reads the fields of one JSON object; the first problem is kept with the path that names it.
class Fields {
  public:
    Fields(const json& object, std::string path, const Limits& limits, std::optional<Error>& error)
        : object_(object), path_(std::move(path)), limits_(limits), error_(error) {}

    std::string name(const char* key) const { return path_.empty() ? key : path_ + "." + key; }

    void fail(const std::string& where, const std::string& why) const {
        if (!error_) error_ = Error::bad_input(where + ": " + why);
    }

    const json* find(const char* key, bool required) const {
        const auto it = object_.find(key);
        if (it == object_.end() || it->is_null()) {
            if (required) fail(name(key), "missing");
            return nullptr;
        }
        return &*it;
    }

    std::string text_value(const json& value, const std::string& where, bool non_empty) const {
        if (!value.is_string()) {
            fail(where, "not a string");
            return {};
        }
        const auto& s = value.get_ref<const std::string&>();
        if (s.size() > limits_.max_string_bytes)
            fail(where, "longer than " + std::to_string(limits_.max_string_bytes) + " bytes");
        else if (non_empty && s.empty())
            fail(where, "empty");
        else
            for (const unsigned char c : s) {
                if (c < 0x20 || c == 0x7f) {
                    fail(where, "holds a control character");
                    break;
                }
            }
        return error_ ? std::string{} : s;
    }

    std::string text(const char* key, bool required) const {
        const json* v = find(key, required);
        return v == nullptr ? std::string{} : text_value(*v, name(key), required);
    }

    std::uint64_t count(const char* key, bool required) const {
        const json* v = find(key, required);
        if (v == nullptr) return 0;
        // JSON numbers a sender writes as 5326 arrive unsigned; 2^53 is JSON's exact range.
        if (!v->is_number_unsigned() || v->get<std::uint64_t>() > (std::uint64_t{1} << 53)) {
            fail(name(key), "not a non-negative integer");
            return 0;
        }
        return v->get<std::uint64_t>();
    }

    TimePoint datetime(const char* key) const {
        const std::string s = text(key, true);
        if (error_) return {};
        const auto t = parse_rfc3339(s);
        if (!t) fail(name(key), "not an RFC 3339 date-time");
        return t.value_or(TimePoint{});
    }

    // An object or array member, checked for its type.
    const json* member(const char* key, bool required, json::value_t type) const {
        const json* v = find(key, required);
        if (v == nullptr) return nullptr;
        if (v->type() != type) {
            fail(name(key), type == json::value_t::array ? "not an array" : "not an object");
            return nullptr;
        }
        return v;
    }

    const std::string& path() const { return path_; }
    const Limits& limits() const { return limits_; }

  private:
    const json& object_;
    std::string path_;
    const Limits& limits_;
    std::optional<Error>& error_;
};

std::string indexed(const std::string& path, std::size_t i) {
    return path + "[" + std::to_string(i) + "]";
}

FailureDetail read_failure(const Fields& f) {
    FailureDetail d;
    d.result_type = f.text("result-type", true);
    d.sending_mta_ip = f.text("sending-mta-ip", false);
    d.receiving_mx_hostname = f.text("receiving-mx-hostname", false);
    d.receiving_mx_helo = f.text("receiving-mx-helo", false);
    d.receiving_ip = f.text("receiving-ip", false);
    d.failed_session_count = f.count("failed-session-count", true);
    d.additional_information = f.text("additional-information", false);
    d.failure_reason_code = f.text("failure-reason-code", false);
    if (d.failure_reason_code.empty()) d.failure_reason_code = f.text("failure-error-code", false);
    return d;
}

void read_policy_description(const Fields& f, Policy& p) {
    p.policy_type = f.text("policy-type", true);
    p.policy_domain = f.text("policy-domain", true);
    if (const json* strings = f.member("policy-string", false, json::value_t::array)) {
        if (strings->size() > f.limits().max_policy_strings)
            f.fail(f.name("policy-string"),
                   "more than " + std::to_string(f.limits().max_policy_strings) + " lines");
        for (std::size_t i = 0;
             i < strings->size() && p.policy_strings.size() < f.limits().max_policy_strings; ++i)
            p.policy_strings.push_back(
                f.text_value((*strings)[i], indexed(f.name("policy-string"), i), false));
    }
    if (const json* mx = f.find("mx-host", false)) {
        if (mx->is_array()) {
            if (mx->size() > f.limits().max_policy_strings)
                f.fail(f.name("mx-host"),
                       "more than " + std::to_string(f.limits().max_policy_strings) + " names");
            for (std::size_t i = 0;
                 i < mx->size() && p.mx_hosts.size() < f.limits().max_policy_strings; ++i)
                p.mx_hosts.push_back(f.text_value((*mx)[i], indexed(f.name("mx-host"), i), true));
        } else {
            p.mx_hosts.push_back(f.text_value(*mx, f.name("mx-host"), true));
        }
    }
}

Policy read_policy(const Fields& f, std::size_t& details_left, std::optional<Error>& error) {
    Policy p;
    if (const json* policy = f.member("policy", true, json::value_t::object))
        read_policy_description(Fields(*policy, f.name("policy"), f.limits(), error), p);
    if (const json* summary = f.member("summary", true, json::value_t::object)) {
        const Fields s(*summary, f.name("summary"), f.limits(), error);
        p.successful_sessions = s.count("total-successful-session-count", true);
        p.failed_sessions = s.count("total-failure-session-count", true);
    }
    const json* details = f.member("failure-details", false, json::value_t::array);
    if (details == nullptr || error) return p;
    if (details->size() > details_left) {
        f.fail(f.name("failure-details"), "more than " +
                                              std::to_string(f.limits().max_failure_details) +
                                              " failure details in the report");
        return p;
    }
    details_left -= details->size();
    p.failures.reserve(details->size());
    for (std::size_t i = 0; i < details->size() && !error; ++i) {
        const std::string where = indexed(f.name("failure-details"), i);
        if (!(*details)[i].is_object()) {
            f.fail(where, "not an object");
            break;
        }
        p.failures.push_back(read_failure(Fields((*details)[i], where, f.limits(), error)));
    }
    return p;
}

}  // namespace

bool is_dane_failure(std::string_view policy_type, std::string_view result_type) {
    if (result_type == "tlsa-invalid" || result_type == "dnssec-invalid" ||
        result_type == "dane-required")
        return true;
    return policy_type == "tlsa" &&
           (result_type == "starttls-not-supported" || result_type.starts_with("certificate-") ||
            result_type == "validation-failure");
}

Result<Report> parse_report_json(std::string_view text, const Limits& limits) {
    auto doc = bounded_json(text, limits);
    if (!doc) return doc.error();
    std::optional<Error> error;
    const Fields top(*doc, "", limits, error);
    Report r;
    r.organization_name = top.text("organization-name", true);
    if (const json* range = top.member("date-range", true, json::value_t::object)) {
        const Fields d(*range, "date-range", limits, error);
        r.start = d.datetime("start-datetime");
        r.end = d.datetime("end-datetime");
        if (!error && r.end < r.start) d.fail("date-range", "ends before it starts");
    }
    r.contact_info = top.text("contact-info", false);
    r.report_id = top.text("report-id", true);
    const json* policies = top.member("policies", true, json::value_t::array);
    if (policies != nullptr && !error) {
        if (policies->empty()) top.fail("policies", "empty");
        if (policies->size() > limits.max_policies)
            top.fail("policies", "more than " + std::to_string(limits.max_policies) + " policies");
        std::size_t details_left = limits.max_failure_details;
        for (std::size_t i = 0; i < policies->size() && !error; ++i) {
            const std::string where = indexed("policies", i);
            if (!(*policies)[i].is_object()) {
                top.fail(where, "not an object");
                break;
            }
            r.policies.push_back(
                read_policy(Fields((*policies)[i], where, limits, error), details_left, error));
        }
    }
    if (error) return *error;
    return r;
}

Result<Report> parse_report(std::string_view bytes, const Limits& limits) {
    if (!looks_gzipped(bytes)) return parse_report_json(bytes, limits);
    auto text = gunzip(bytes, limits.max_compressed_bytes, limits.max_json_bytes);
    if (!text) return text.error();
    return parse_report_json(*text, limits);
}

}  // namespace dk::tlsrpt
