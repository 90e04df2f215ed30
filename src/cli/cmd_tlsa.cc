// danekeeper tlsa FILE: the TLSA records for a certificate, chain or key, as zone-file lines.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/endpoint.h"
#include "cert/material.h"
#include "cert/tlsa_data.h"
#include "cli/handlers.h"
#include "cli/verb_options.h"

namespace dk::cli {
namespace {

struct Line {
    std::string owner;
    TlsaRecord record;
    std::string subject;
};

std::string subject_of(const X509& cert) {
    char buf[256];
    X509_NAME_oneline(X509_get_subject_name(&cert), buf, sizeof buf);
    return buf;
}

}  // namespace

int run_tlsa(const Invocation& inv) {
    VerbOptions options(
        inv,
        "TLSA records for FILE (certificate, chain, or private/public key; PEM or DER).\n"
        "Usage 3/1 describe the leaf; usage 2/0 the issuers in the chain (every one with\n"
        "--all-certs, else the one directly above the leaf). A key allows selector 1 only.");
    options.add()("usage", "0-3 or PKIX-TA, PKIX-EE, DANE-TA, DANE-EE",
                  cxxopts::value<std::string>()->default_value("3"))(
        "selector", "0-1 or Cert, SPKI", cxxopts::value<std::string>()->default_value("1"))(
        "mtype", "0-2 or Full, SHA2-256, SHA2-512",
        cxxopts::value<std::string>()->default_value("1"))(
        "host", "owner host (without it only the RDATA is printed)", cxxopts::value<std::string>())(
        "port", "owner port", cxxopts::value<unsigned>()->default_value("25"))(
        "ttl", "TTL to print", cxxopts::value<unsigned>())(
        "all-certs", "usage 0/2: one record per issuer")("json", "JSON array");
    options.positional();
    if (auto stop = options.parse()) return *stop;
    const cxxopts::ParseResult& parsed = options.result();
    const auto files = options.words();
    if (files.size() != 1) {
        return fail(
            Error::bad_input("usage: danekeeper tlsa FILE [--usage U] [--selector S] [--mtype M] "
                             "[--host H] [--port P]"));
    }
    const std::string& path = files.front();
    auto usage = parse_tlsa_usage(parsed["usage"].as<std::string>());
    auto selector = parse_tlsa_selector(parsed["selector"].as<std::string>());
    auto mtype = parse_tlsa_mtype(parsed["mtype"].as<std::string>());
    for (const auto* r : {&usage, &selector, &mtype}) {
        if (!r->ok()) return fail(r->error());
    }
    if (*usage > 3 || *selector > 1 || *mtype > 2)
        return fail(Error::bad_input("usage 0-3, selector 0-1, matching type 0-2"));
    const unsigned port = parsed["port"].as<unsigned>();
    if (port == 0 || port > 65535) return fail(Error::bad_input("--port must be 1-65535"));
    if (parsed.count("host") && !is_domain_name(parsed["host"].as<std::string>()))
        return fail(Error::bad_input("--host: '" + parsed["host"].as<std::string>() +
                                     "' is not a domain name"));
    auto material = cert::load_material(path);
    if (!material.ok()) return fail(material.error());
    const std::string owner = parsed.count("host") ? tlsa_owner(parsed["host"].as<std::string>(),
                                                                static_cast<std::uint16_t>(port))
                                                   : "";
    std::vector<Line> lines;
    if (material->chain.empty()) {
        if (*selector != tlsa::selector_spki)
            return fail(
                Error::bad_input(path + ": a key has no certificate: use --selector 1 (SPKI)"));
        auto record = cert::tlsa_for_key(*material->key, *usage, *mtype);
        if (!record.ok()) return fail(record.error().context(path));
        lines.push_back({owner, *record, ""});
    } else {
        const bool end_entity = *usage == tlsa::usage_dane_ee || *usage == tlsa::usage_pkix_ee;
        std::vector<const X509*> certs;
        if (end_entity) certs.push_back(material->chain.front().get());
        for (std::size_t i = 1; !end_entity && i < material->chain.size(); ++i) {
            certs.push_back(material->chain[i].get());
            if (!parsed.count("all-certs")) break;
        }
        if (certs.empty())
            return fail(Error::bad_input(path + ": usage " + std::to_string(*usage) +
                                         " needs the issuer in the file (a chain)"));
        for (const X509* c : certs) {
            auto record = cert::tlsa_for_certificate(*c, *usage, *selector, *mtype);
            if (!record.ok()) return fail(record.error().context(path));
            lines.push_back({owner, *record, subject_of(*c)});
        }
    }
    if (parsed.count("json")) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& l : lines) {
            nlohmann::json j{{"usage", l.record.usage},
                             {"selector", l.record.selector},
                             {"mtype", l.record.mtype},
                             {"data", to_hex(l.record.data)},
                             {"subject", l.subject}};
            if (!l.owner.empty()) j["owner"] = l.owner;
            if (parsed.count("ttl")) j["ttl"] = parsed["ttl"].as<unsigned>();
            out.push_back(j);
        }
        std::printf("%s\n", out.dump(2).c_str());
        return 0;
    }
    for (const auto& l : lines) {
        if (l.owner.empty()) {
            std::printf("%s\n", l.record.rdata_text().c_str());
        } else if (parsed.count("ttl")) {
            std::printf("%s %u IN TLSA %s\n", l.owner.c_str(), parsed["ttl"].as<unsigned>(),
                        l.record.rdata_text().c_str());
        } else {
            std::printf("%s IN TLSA %s\n", l.owner.c_str(), l.record.rdata_text().c_str());
        }
    }
    return 0;
}

}  // namespace dk::cli
