#include "tlsrpt/report_parser.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "rfc8460_example.h"
#include "tlsrpt/gzip.h"

namespace dk::tlsrpt {
namespace {

using nlohmann::json;

TEST(ParseReport, TheRfc8460ExampleReadsFieldByField) {
    auto r = parse_report_json(rfc8460_example);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->organization_name, "Company-X");
    EXPECT_EQ(iso_time(r->start), "2016-04-01T00:00:00Z");
    EXPECT_EQ(iso_time(r->end), "2016-04-01T23:59:59Z");
    EXPECT_EQ(r->contact_info, "sts-reporting@company-x.example");
    EXPECT_EQ(r->report_id, "5065427c-23d3-47ca-b6e0-946ea0e8c4be");
    ASSERT_EQ(r->policies.size(), 1U);
    const Policy& p = r->policies[0];
    EXPECT_EQ(p.policy_type, "sts");
    EXPECT_EQ(p.policy_strings.size(), 4U);
    EXPECT_EQ(p.policy_strings[1], "mode: testing");
    EXPECT_EQ(p.policy_domain, "company-y.example");
    EXPECT_EQ(p.mx_hosts, std::vector<std::string>{"*.mail.company-y.example"});
    EXPECT_EQ(p.successful_sessions, 5326U);
    EXPECT_EQ(p.failed_sessions, 303U);
    ASSERT_EQ(p.failures.size(), 3U);
    EXPECT_EQ(p.failures[0].result_type, "certificate-expired");
    EXPECT_EQ(p.failures[0].sending_mta_ip, "2001:db8:abcd:0012::1");
    EXPECT_EQ(p.failures[0].receiving_mx_hostname, "mx1.mail.company-y.example");
    EXPECT_EQ(p.failures[0].receiving_ip, "");
    EXPECT_EQ(p.failures[0].failed_session_count, 100U);
    EXPECT_EQ(p.failures[1].receiving_ip, "203.0.113.56");
    EXPECT_EQ(
        p.failures[1].additional_information,
        "https://reports.company-x.example/report_info?id=5065427c-23d3#StarttlsNotSupported");
    EXPECT_EQ(p.failures[2].failure_reason_code, "X509_V_ERR_PROOF_OF_POSSESSION");
    EXPECT_EQ(p.failures[2].failed_session_count, 3U);
}

TEST(ParseReport, GzipIsInflatedFirst) {
    auto r = parse_report(gzip(rfc8460_example));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->report_id, "5065427c-23d3-47ca-b6e0-946ea0e8c4be");
}

// The shape large senders mail daily: one policy per receiving domain and MX (TLSA and STS side by
// side, "no-policy-found" for the rest), "mx-host" as a list, thousands of failure rows.
json large_sender_report(std::size_t policies, std::size_t details_each) {
    json doc = {
        {"organization-name", "Big Mail Inc."},
        {"date-range",
         {{"start-datetime", "2026-12-06T00:00:00Z"}, {"end-datetime", "2026-12-06T23:59:59Z"}}},
        {"contact-info", "smtp-tls-reporting@bigmail.example"},
        {"report-id", "2026-12-06T00:00:00Z_example.test"},
        {"policies", json::array()}};
    const char* types[] = {"tlsa", "sts", "no-policy-found"};
    for (std::size_t i = 0; i < policies; ++i) {
        json p = {{"policy",
                   {{"policy-type", types[i % 3]},
                    {"policy-string", {"3 1 1 0123456789abcdef", "3 1 1 fedcba9876543210"}},
                    {"policy-domain", "example.test"},
                    {"mx-host", {"mx" + std::to_string(i) + ".example.test"}}}},
                  {"summary",
                   {{"total-successful-session-count", 1'000'000},
                    {"total-failure-session-count", details_each}}},
                  {"failure-details", json::array()}};
        for (std::size_t d = 0; d < details_each; ++d)
            p["failure-details"].push_back(
                {{"result-type", d % 2 == 0 ? "tlsa-invalid" : "certificate-host-mismatch"},
                 {"sending-mta-ip", "192.0.2." + std::to_string(d % 250)},
                 {"receiving-mx-hostname", "mx" + std::to_string(i) + ".example.test"},
                 {"receiving-mx-helo", "mx" + std::to_string(i) + ".example.test"},
                 {"receiving-ip", "198.51.100.7"},
                 {"failed-session-count", 1},
                 {"failure-reason-code", "X509_V_ERR_DANE_NO_MATCH"}});
        doc["policies"].push_back(std::move(p));
    }
    return doc;
}

TEST(ParseReport, ALargeSendersReportReadsWhole) {
    const std::string text = large_sender_report(6, 400).dump();
    auto r = parse_report(gzip(text));
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->policies.size(), 6U);
    EXPECT_EQ(r->policies[0].mx_hosts, std::vector<std::string>{"mx0.example.test"});
    EXPECT_EQ(r->policies[5].failures.size(), 400U);
    EXPECT_EQ(r->policies[5].failures[399].receiving_mx_helo, "mx5.example.test");
    EXPECT_EQ(r->policies[1].policy_type, "sts");
}

TEST(ParseReport, CountsAtTheirLimitsAreReadAndOneMoreIsRefused) {
    Limits limits;
    limits.max_policies = 4;
    limits.max_failure_details = 40;
    EXPECT_TRUE(parse_report_json(large_sender_report(4, 10).dump(), limits).ok());

    auto policies = parse_report_json(large_sender_report(5, 0).dump(), limits);
    ASSERT_FALSE(policies.ok());
    EXPECT_EQ(policies.error().message, "policies: more than 4 policies");

    auto details = parse_report_json(large_sender_report(4, 11).dump(), limits);
    ASSERT_FALSE(details.ok());
    EXPECT_EQ(details.error().message,
              "policies[3].failure-details: more than 40 failure details in the report");
}

TEST(ParseReport, SizesAtTheirLimitsAreReadAndOneByteMoreIsRefused) {
    const std::string text = large_sender_report(3, 100).dump();
    const std::string packed = gzip(text);
    Limits limits;
    limits.max_json_bytes = text.size();
    limits.max_compressed_bytes = packed.size();
    EXPECT_TRUE(parse_report(packed, limits).ok());
    EXPECT_TRUE(parse_report_json(text, limits).ok());

    Limits small_json = limits;
    small_json.max_json_bytes = text.size() - 1;
    auto inflated = parse_report(packed, small_json);
    ASSERT_FALSE(inflated.ok());
    EXPECT_EQ(inflated.error().message, "gzip: inflates to more than the limit of " +
                                            std::to_string(text.size() - 1) + " bytes");
    auto plain = parse_report_json(text, small_json);
    ASSERT_FALSE(plain.ok());
    EXPECT_EQ(plain.error().message, std::to_string(text.size()) +
                                         " bytes of JSON, more than the limit of " +
                                         std::to_string(text.size() - 1));

    Limits small_gzip = limits;
    small_gzip.max_compressed_bytes = packed.size() - 1;
    EXPECT_FALSE(parse_report(packed, small_gzip).ok());
}

TEST(ParseReport, TheDefaultLimitHoldsSixteenMebibytesOfJsonExactly) {
    // White space pads the example to the byte (cheap to read, so the test stays quick).
    const std::string example = rfc8460_example;
    const std::string text = example + std::string((std::size_t{16} << 20) - example.size(), ' ');
    auto r = parse_report(gzip(text));
    ASSERT_TRUE(r.ok()) << r.error().message;
    auto over = parse_report(gzip(text + " "));
    ASSERT_FALSE(over.ok());
    EXPECT_EQ(over.error().message, "gzip: inflates to more than the limit of 16777216 bytes");
}

struct Malformed {
    const char* name;
    std::string (*edit)(json&);  // changes the example, returns the expected message
};

std::string refused(const std::string& text) {
    auto r = parse_report(text);
    if (r.ok()) return "accepted";
    EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
    return r.error().message;
}

TEST(ParseReport, EachMalformedFieldIsRefusedWithOneReasonNamingIt) {
    const Malformed cases[] = {
        {"no org",
         [](json& d) {
             d.erase("organization-name");
             return std::string("organization-name: missing");
         }},
        {"empty id",
         [](json& d) {
             d["report-id"] = "";
             return std::string("report-id: empty");
         }},
        {"id number",
         [](json& d) {
             d["report-id"] = 7;
             return std::string("report-id: not a string");
         }},
        {"bad date",
         [](json& d) {
             d["date-range"]["start-datetime"] = "yesterday";
             return std::string("date-range.start-datetime: not an RFC 3339 date-time");
         }},
        {"reversed",
         [](json& d) {
             d["date-range"]["start-datetime"] = "2016-04-02T00:00:00Z";
             return std::string("date-range: ends before it starts");
         }},
        {"range list",
         [](json& d) {
             d["date-range"] = json::array();
             return std::string("date-range: not an object");
         }},
        {"no policies",
         [](json& d) {
             d.erase("policies");
             return std::string("policies: missing");
         }},
        {"empty policies",
         [](json& d) {
             d["policies"] = json::array();
             return std::string("policies: empty");
         }},
        {"policy string",
         [](json& d) {
             d["policies"][0] = "tlsa";
             return std::string("policies[0]: not an object");
         }},
        {"no type",
         [](json& d) {
             d["policies"][0]["policy"].erase("policy-type");
             return std::string("policies[0].policy.policy-type: missing");
         }},
        {"no summary",
         [](json& d) {
             d["policies"][0].erase("summary");
             return std::string("policies[0].summary: missing");
         }},
        {"negative",
         [](json& d) {
             d["policies"][0]["summary"]["total-failure-session-count"] = -1;
             return std::string(
                 "policies[0].summary.total-failure-session-count: not a non-negative integer");
         }},
        {"fraction",
         [](json& d) {
             d["policies"][0]["failure-details"][1]["failed-session-count"] = 1.5;
             return std::string(
                 "policies[0].failure-details[1].failed-session-count: not a non-negative integer");
         }},
        {"huge",
         [](json& d) {
             d["policies"][0]["failure-details"][1]["failed-session-count"] =
                 (std::uint64_t{1} << 53) + 1;
             return std::string(
                 "policies[0].failure-details[1].failed-session-count: not a non-negative integer");
         }},
        {"no result",
         [](json& d) {
             d["policies"][0]["failure-details"][2].erase("result-type");
             return std::string("policies[0].failure-details[2].result-type: missing");
         }},
        {"detail list",
         [](json& d) {
             d["policies"][0]["failure-details"][0] = json::array();
             return std::string("policies[0].failure-details[0]: not an object");
         }},
        {"control",
         [](json& d) {
             d["organization-name"] = "Company\nX";
             return std::string("organization-name: holds a control character");
         }},
        {"long",
         [](json& d) {
             d["contact-info"] = std::string(4097, 'c');
             return std::string("contact-info: longer than 4096 bytes");
         }},
        {"mx number",
         [](json& d) {
             d["policies"][0]["policy"]["mx-host"] = 5;
             return std::string("policies[0].policy.mx-host: not a string");
         }},
        {"strings obj",
         [](json& d) {
             d["policies"][0]["policy"]["policy-string"] = json::object();
             return std::string("policies[0].policy.policy-string: not an array");
         }},
    };
    for (const auto& c : cases) {
        json doc = json::parse(rfc8460_example);
        const std::string expected = c.edit(doc);
        EXPECT_EQ(refused(doc.dump()), expected) << c.name;
    }
}

TEST(ParseReport, NotJsonTooDeepAndTooManyValuesAreRefused) {
    EXPECT_EQ(refused(""), "not JSON");
    EXPECT_EQ(refused("{\"report-id\": "), "not JSON");
    EXPECT_EQ(refused("[1,2]"), "not a JSON object");
    EXPECT_EQ(refused(std::string(100'000, '[') + std::string(100'000, ']')),
              "JSON nested deeper than 8 levels");
    Limits few;
    few.max_values = 20;
    auto r = parse_report_json(rfc8460_example, few);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "more than 20 JSON values");
}

TEST(ParseReport, UnknownMembersAreIgnoredForwardCompatibly) {
    json doc = json::parse(rfc8460_example);
    doc["x-vendor"] = {{"a", 1}};
    doc["policies"][0]["failure-details"][0]["x-note"] = "extra";
    EXPECT_TRUE(parse_report_json(doc.dump()).ok());
}

TEST(IsDaneFailure, DaneTypesAlwaysNegotiationFailuresUnderATlsaPolicy) {
    EXPECT_TRUE(is_dane_failure("sts", "tlsa-invalid"));
    EXPECT_TRUE(is_dane_failure("tlsa", "dnssec-invalid"));
    EXPECT_TRUE(is_dane_failure("no-policy-found", "dane-required"));
    EXPECT_TRUE(is_dane_failure("tlsa", "starttls-not-supported"));
    EXPECT_TRUE(is_dane_failure("tlsa", "certificate-expired"));
    EXPECT_TRUE(is_dane_failure("tlsa", "validation-failure"));
    EXPECT_FALSE(is_dane_failure("sts", "certificate-expired"));
    EXPECT_FALSE(is_dane_failure("sts", "sts-policy-invalid"));
    EXPECT_FALSE(is_dane_failure("tlsa", "sts-webpki-invalid"));
}

}  // namespace
}  // namespace dk::tlsrpt
