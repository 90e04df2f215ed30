#include "zone/sign/rrsig.h"

#include <algorithm>

#include "zone/sign/signer.h"
#include "zone/sign/wire.h"

namespace dk::zone::sign {
namespace {

std::uint32_t to_u32(long long seconds) {
    return static_cast<std::uint32_t>(seconds);
}

// FNV-1a: a cheap, stable spread of owners and types over the jitter window.
std::uint32_t spread(std::string_view owner, std::uint16_t type) {
    std::uint32_t h = 2166136261u;
    for (const char c : owner) {
        h ^= static_cast<unsigned char>(c);
        h *= 16777619u;
    }
    h ^= type;
    h *= 16777619u;
    return h;
}

// Serial arithmetic is not needed here: RRSIG times are read as seconds since 1970 until 2106.
bool after(std::uint32_t a, std::uint32_t b) {
    return a > b;
}

}  // namespace

RrsigTimes rrsig_times(TimePoint now, const SignOptions& options) {
    const long long t = unix_seconds(now);
    RrsigTimes r;
    r.now = to_u32(t);
    r.inception = to_u32(t - options.backdate.count());
    r.expiration = to_u32(t + options.validity.count());
    const long long room = options.validity.count() - options.refresh.count() - 1;
    r.jitter = to_u32(std::max<long long>(0, std::min<long long>(options.jitter.count(), room)));
    r.keep_until = to_u32(t + options.refresh.count());
    return r;
}

std::uint32_t expiration_for(std::string_view owner, std::uint16_t type, const RrsigTimes& t) {
    if (t.jitter == 0) return t.expiration;
    return t.expiration - spread(owner, type) % (t.jitter + 1);
}

void append_rrsig_header(std::string& out, std::string_view owner, const Rrset& rrset,
                         const SigningKey& key, std::string_view signer, std::uint32_t inception,
                         std::uint32_t expiration) {
    put16(out, rrset.type);
    out.push_back(static_cast<char>(key.dnskey().algorithm));
    out.push_back(static_cast<char>(rrsig_label_count(owner)));
    put32(out, rrset.ttl);
    put32(out, expiration);
    put32(out, inception);
    put16(out, key.tag());
    out.append(signer);
}

void append_signed_data(std::string& out, std::string_view owner, const Rrset& rrset) {
    rrset.rdatas.for_each([&](std::string_view rdata) {
        out.append(owner);
        put16(out, rrset.type);
        put16(out, 1);  // IN
        put32(out, rrset.ttl);
        put16(out, static_cast<std::uint16_t>(rdata.size()));
        out.append(rdata);
    });
}

Status make_rrsig(std::string_view owner, const Rrset& rrset, const SigningKey& key,
                  std::string_view signer, const RrsigTimes& times, SignatureMaker& maker,
                  std::string& scratch, std::string& rrsig) {
    rrsig.clear();
    append_rrsig_header(rrsig, owner, rrset, key, signer, times.inception,
                        expiration_for(owner, rrset.type, times));
    scratch.assign(rrsig);
    append_signed_data(scratch, owner, rrset);
    return maker.sign(scratch, rrsig);
}

std::optional<std::string_view> find_reusable(const Rrset& before, std::string_view owner,
                                              const SigningKey& key, std::string_view signer,
                                              const RrsigTimes& times) {
    std::optional<std::string_view> found;
    const auto labels = static_cast<char>(rrsig_label_count(owner));
    before.sigs.for_each([&](std::string_view sig) {
        if (found || sig.size() <= 18 + signer.size()) return;
        if (sig.substr(18, signer.size()) != signer) return;
        if (get16(sig, 0) != before.type ||
            static_cast<std::uint8_t>(sig[2]) != key.dnskey().algorithm)
            return;
        if (sig[3] != labels || get32(sig, 4) != before.ttl || get16(sig, 16) != key.tag()) return;
        const std::uint32_t expiration = get32(sig, 8);
        const std::uint32_t inception = get32(sig, 12);
        if (after(inception, times.now) || !after(expiration, times.keep_until)) return;
        found = sig;
    });
    return found;
}

}  // namespace dk::zone::sign
