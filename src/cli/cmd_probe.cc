// danekeeper probe: what endpoints present, judged by OpenSSL's DANE verifier.
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "base/endpoint.h"
#include "base/files.h"
#include "base/strings.h"
#include "cli/handlers.h"
#include "cli/verb_options.h"
#include "probe/probe.h"
#include "zone/resolver/address_book.h"
#include "zone/resolver/resolver.h"

namespace dk::cli {
namespace {

Result<std::vector<TlsaRecord>> records_from_file(const std::string& path) {
    DK_TRY(std::string text, files::read_limited(path));
    std::vector<TlsaRecord> out;
    std::size_t start = 0;
    int line_no = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        std::string line =
            text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        start = end == std::string::npos ? text.size() : end + 1;
        ++line_no;
        if (line.find_first_not_of(" \t\r") == std::string::npos ||
            line[line.find_first_not_of(" \t")] == ';')
            continue;
        if (const auto pos = line.find("TLSA"); pos != std::string::npos)
            line = line.substr(pos + 4);  // zone-file line
        auto r = parse_tlsa_rdata(line);
        if (!r.ok()) return r.error().context(path + ":" + std::to_string(line_no));
        out.push_back(*r);
    }
    return out;
}

nlohmann::json to_json(const probe::ProbeResult& r) {
    nlohmann::json j{
        {"endpoint", r.endpoint}, {"address", r.address},
        {"dane_ok", r.dane_ok},   {"stage", std::string(probe::to_string(r.failed_at))},
        {"problem", r.problem},   {"tls_version", r.tls_version},
        {"cipher", r.cipher},     {"forward_secret", r.forward_secret},
        {"issuer", r.issuer},     {"not_after", r.not_after}};
    j["leaf_spki_sha256"] = r.leaf_spki_sha256 ? to_hex(*r.leaf_spki_sha256) : "";
    j["issuer_spki_sha256"] = r.issuer_spki_sha256 ? to_hex(*r.issuer_spki_sha256) : "";
    j["matched"] = r.matched ? r.matched->rdata_text() : "";
    j["chain_matches"] = nlohmann::json::array();
    for (const auto& m : r.chain_matches) j["chain_matches"].push_back(m.rdata_text());
    j["algorithm"] = r.key_family;  // the presented key's family: rsa, ecdsa, ed25519
    return j;
}

}  // namespace

int run_probe(const Invocation& inv) {
    VerbOptions options(
        inv,
        "Probe ENDPOINT... (HOST[:PORT] or SCHEME://HOST:PORT, optionally @IP[:PORT]) "
        "and verify with DANE (exit 0 all match, 1 "
        "mismatch, 2 bad input, 3 network)");
    options.add()("starttls", "smtp|imap|pop3|none (default: from the port)",
                  cxxopts::value<std::string>())(
        "address", "probe this address instead of looking the host up",
        cxxopts::value<std::string>())("tlsa", "a record \"3 1 1 HEX\" (repeatable)",
                                       cxxopts::value<std::vector<std::string>>())(
        "tlsa-file", "records, one per line (RDATA or zone-file lines)",
        cxxopts::value<std::string>())(
        "resolver", "validating resolver IP:PORT for TLSA (AD required) and addresses",
        cxxopts::value<std::string>());
    options.probe_timeout().json().positional();
    if (auto stop = options.parse()) return *stop;
    const cxxopts::ParseResult& parsed = options.result();
    const auto endpoints = options.words();
    if (endpoints.empty())
        return fail(Error::bad_input("usage: danekeeper probe ENDPOINT... (try --help)"));
    std::optional<TlsStart> start;
    if (parsed.count("starttls")) {
        auto s = parse_tls_start(parsed["starttls"].as<std::string>());
        if (!s.ok()) return fail(s.error());
        start = *s;
    }
    std::optional<HostPort> resolver;
    if (parsed.count("resolver")) {
        auto r = parse_host_port(parsed["resolver"].as<std::string>(), 53);
        if (!r.ok()) return fail(r.error().context("--resolver"));
        resolver = *r;
    }
    std::vector<TlsaRecord> given;
    if (parsed.count("tlsa")) {
        for (const auto& text : parsed["tlsa"].as<std::vector<std::string>>()) {
            auto r = parse_tlsa_rdata(text);
            if (!r.ok()) return fail(r.error().context("--tlsa"));
            given.push_back(*r);
        }
    }
    if (parsed.count("tlsa-file")) {
        auto records = records_from_file(parsed["tlsa-file"].as<std::string>());
        if (!records.ok()) return fail(records.error());
        given.insert(given.end(), records->begin(), records->end());
    }
    if (given.empty() && !resolver)
        return fail(
            Error::bad_input("give --tlsa, --tlsa-file or --resolver to look the records up"));
    if (parsed.count("address") && !is_ip_address(parsed["address"].as<std::string>()))
        return fail(Error::bad_input("--address: '" + parsed["address"].as<std::string>() +
                                     "' is not an IP address"));
    std::vector<probe::ProbeRequest> requests;
    std::vector<std::string> early;  // failures before any connection (DNS)
    int worst = 0;
    for (const auto& text : endpoints) {
        auto ep = parse_endpoint(text, 25, start);
        if (!ep.ok()) return fail(ep.error());
        std::vector<TlsaRecord> records = given;
        if (records.empty()) {
            auto found = zone::require_tlsa(*resolver, tlsa_owner(ep->host, ep->port));
            if (!found.ok()) {
                early.push_back(ep->to_string() + ": " + found.error().message);
                worst = std::max(worst, to_int(exit_code_for(found.error().kind)));
                continue;
            }
            records = *found;
        }
        Result<std::vector<std::string>> addresses = std::vector<std::string>{};
        if (parsed.count("address"))
            addresses = std::vector<std::string>{parsed["address"].as<std::string>()};
        else if (resolver || ep->probe_at)
            addresses = zone::AddressBook({}, resolver).addresses(*ep);
        else
            addresses = zone::system_addresses(ep->host);
        if (!addresses.ok()) {
            early.push_back(ep->to_string() + ": " + addresses.error().message);
            worst = std::max(worst, to_int(exit_code_for(addresses.error().kind)));
            continue;
        }
        for (const auto& a : *addresses) requests.push_back({*ep, a, records});
    }
    probe::ProbeOptions opts;
    opts.timeout = std::chrono::seconds(parsed["timeout"].as<unsigned>());
    const auto results = probe::probe_all(requests, opts);
    bool mismatch = false;
    bool network = false;
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : results) {
        mismatch = mismatch || (!r.dane_ok && !r.environment_failure);
        network = network || r.environment_failure;
        if (parsed.count("json")) {
            out.push_back(to_json(r));
            continue;
        }
        if (r.dane_ok) {
            std::printf("ok   %s [%s] %s %s%s spki=%s matched=\"%s\" issuer=\"%s\" expires=%s\n",
                        r.endpoint.c_str(), r.address.c_str(), r.tls_version.c_str(),
                        r.cipher.c_str(), r.forward_secret ? " (forward secret)" : "",
                        to_hex(*r.leaf_spki_sha256).c_str(), r.matched->rdata_text().c_str(),
                        printable(r.issuer).c_str(), r.not_after.c_str());
        } else {
            // The problem may quote the server (escaped by the prober already; once more here
            // costs nothing and keeps the terminal safe whatever the prober's wording).
            std::printf("FAIL %s [%s] %s%s\n", r.endpoint.c_str(), r.address.c_str(),
                        printable(r.problem).c_str(),
                        r.leaf_spki_sha256 ? (" spki=" + to_hex(*r.leaf_spki_sha256)).c_str() : "");
        }
    }
    for (const auto& e : early) {
        if (parsed.count("json"))
            out.push_back(nlohmann::json{
                {"endpoint", e}, {"dane_ok", nlohmann::json(false)}, {"problem", e}});
        else
            std::printf("FAIL %s\n", e.c_str());
    }
    if (parsed.count("json")) std::printf("%s\n", out.dump(2).c_str());
    if (mismatch) worst = std::max(worst, 1);
    if (network && worst == 0) worst = 3;
    if (worst == 3 && mismatch) worst = 1;
    return worst;
}

}  // namespace dk::cli
