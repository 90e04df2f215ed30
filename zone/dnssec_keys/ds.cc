#include "zone/dnssec_keys/ds.h"

#include <openssl/evp.h>

#include <cctype>

#include "base/base64.h"
#include "base/hex.h"
#include "base/ldns_handles.h"
#include "base/openssl_error.h"
#include "base/openssl_handles.h"
#include "base/strings.h"
#include "zone/sign/dnssec_key.h"

namespace dk::zone::dnssec_keys {
namespace {

const EVP_MD* digest_md(DigestType t) {
    switch (t) {
        case DigestType::sha1:
            return EVP_sha1();
        case DigestType::sha256:
            return EVP_sha256();
        case DigestType::sha384:
            return EVP_sha384();
    }
    return nullptr;
}

}  // namespace

Result<std::string> owner_wire(const std::string& name) {
    ldns::RdfPtr dname(ldns_dname_new_frm_str(name.c_str()));
    if (!dname) return Error::bad_input("not a domain name: " + name);
    ldns_dname2canonical(dname.get());
    return std::string(reinterpret_cast<const char*>(ldns_rdf_data(dname.get())),
                       ldns_rdf_size(dname.get()));
}

Result<std::string> ds_rdata(std::string_view owner, std::string_view dnskey, DigestType digest) {
    if (dnskey.size() < 5 || dnskey[2] != 3) return Error::bad_input("not a DNSKEY RDATA");
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), digest_md(digest), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), owner.data(), owner.size()) != 1 ||
        EVP_DigestUpdate(ctx.get(), dnskey.data(), dnskey.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), md, &len) != 1)
        return ossl::error_from_queue(ErrorKind::environment, "DS digest");
    const std::uint16_t tag = sign::key_tag(dnskey);
    std::string out;
    out.push_back(static_cast<char>(tag >> 8));
    out.push_back(static_cast<char>(tag & 0xff));
    out.push_back(dnskey[3]);  // algorithm
    out.push_back(static_cast<char>(digest));
    out.append(reinterpret_cast<const char*>(md), len);
    return out;
}

bool ds_matches(std::string_view ds, std::string_view owner, std::string_view dnskey) {
    if (ds.size() < 5) return false;
    const auto type = static_cast<DigestType>(static_cast<unsigned char>(ds[3]));
    if (type != DigestType::sha1 && type != DigestType::sha256 && type != DigestType::sha384)
        return false;
    auto mine = ds_rdata(owner, dnskey, type);
    return mine.ok() && *mine == ds;
}

std::string ds_text(std::string_view ds) {
    if (ds.size() < 4) return "?";
    const unsigned tag =
        (static_cast<unsigned char>(ds[0]) << 8) | static_cast<unsigned char>(ds[1]);
    const auto* digest = reinterpret_cast<const std::uint8_t*>(ds.data() + 4);
    return std::to_string(tag) + " " + std::to_string(static_cast<unsigned char>(ds[2])) + " " +
           std::to_string(static_cast<unsigned char>(ds[3])) + " " +
           upper(to_hex(digest, ds.size() - 4));
}

std::string dnskey_text(std::string_view rdata) {
    if (rdata.size() < 5) return "?";
    const unsigned flags =
        (static_cast<unsigned char>(rdata[0]) << 8) | static_cast<unsigned char>(rdata[1]);
    return std::to_string(flags) + " " + std::to_string(static_cast<unsigned char>(rdata[2])) +
           " " + std::to_string(static_cast<unsigned char>(rdata[3])) + " " +
           base64(rdata.substr(4));
}

}  // namespace dk::zone::dnssec_keys
