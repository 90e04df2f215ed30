#include "zone/denial_proof.h"

#include <vector>

#include "zone/tlsa_view.h"

namespace dk::zone {
namespace {

constexpr std::uint8_t nsec3_sha1 = 1;

std::string text_of(const ldns_rdf* name) {
    ldns::CStringPtr text(ldns_rdf2str(name));
    return text ? text.get() : "?";
}

std::string type_name(ldns_rr_type type) {
    ldns::CStringPtr text(ldns_rr_type2str(type));
    return text ? text.get() : "?";
}

int compare(const ldns_rdf* a, const ldns_rdf* b) {
    return ldns_dname_compare(a, b);
}

bool at_or_below(const ldns_rdf* name, const ldns_rdf* ancestor) {
    return compare(name, ancestor) == 0 || ldns_dname_is_subdomain(name, ancestor);
}

// The longest ancestor of `name` (itself included) that `other` is at or below.
ldns::RdfPtr common_ancestor(const ldns_rdf* name, const ldns_rdf* other) {
    ldns::RdfPtr at(ldns_rdf_clone(name));
    while (at && !at_or_below(other, at.get()) && ldns_dname_label_count(at.get()) > 0)
        at.reset(ldns_dname_left_chop(at.get()));
    return at;
}

ldns::RdfPtr wildcard_below(const ldns_rdf* encloser) {
    ldns::RdfPtr wildcard(ldns_dname_new_frm_str("*"));
    if (!wildcard || ldns_dname_cat(wildcard.get(), encloser) != LDNS_STATUS_OK) return {};
    return wildcard;
}

bool lists(const ldns_rdf* bitmap, ldns_rr_type type) {
    return bitmap != nullptr && ldns_nsec_bitmap_covers_type(bitmap, type);
}

// Why a bitmap at the name does not deny `type` there; empty when it does. A CNAME would
// answer instead, and the parent side of a delegation knows nothing of the child's records;
// the DS alone is the parent's own, so there it proves the DS absent (RFC 6840 section 4.4).
std::string does_not_deny(const ldns_rdf* bitmap, ldns_rr_type type) {
    if (bitmap == nullptr) return "carries no type bitmap";
    if (lists(bitmap, type)) return "lists " + type_name(type);
    if (lists(bitmap, LDNS_RR_TYPE_CNAME)) return "lists CNAME";
    if (type != LDNS_RR_TYPE_DS && lists(bitmap, LDNS_RR_TYPE_NS) &&
        !lists(bitmap, LDNS_RR_TYPE_SOA))
        return "is a delegation (NS without SOA)";
    return "";
}

// A delegation or DNAME at an ancestor hands every name below it to another zone.
bool hands_off_below(const ldns_rdf* bitmap) {
    return lists(bitmap, LDNS_RR_TYPE_DNAME) ||
           (lists(bitmap, LDNS_RR_TYPE_NS) && !lists(bitmap, LDNS_RR_TYPE_SOA));
}

// Strictly between owner and next in canonical order; the last record wraps to the apex.
bool strictly_between(const ldns_rdf* owner, const ldns_rdf* next, const ldns_rdf* name) {
    const bool after_owner = compare(owner, name) < 0;
    const bool before_next = compare(name, next) < 0;
    return compare(owner, next) < 0 ? after_owner && before_next : after_owner || before_next;
}

// The NSEC or NSEC3 records of `type` in the section whose RRSIGs validate, signed as
// themselves: an RRSIG whose label count is below the owner's was made for a wildcard and
// proves nothing about this owner (RFC 4035 section 5.3.1).
std::vector<const ldns_rr*> validated_records(const ldns_rr_list& authority, ldns_rr_type type,
                                              const ldns_rdf* zone, const ldns_rr_list& keys,
                                              const ldns_rr_list& key_sigs,
                                              const ldns_rr_list* anchors, TimePoint now,
                                              std::string& problem) {
    std::vector<const ldns_rr*> out;
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(&authority); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(&authority, i);
        if (ldns_rr_get_type(rr) != type) continue;
        const ldns_rdf* owner = ldns_rr_owner(rr);
        if (!at_or_below(owner, zone)) continue;
        const int labels = ldns_dname_label_count(owner) - (ldns_dname_is_wildcard(owner) ? 1 : 0);
        ldns::RrListPtr rrset(ldns_rr_list_new());
        ldns::RrListPtr sigs(ldns_rr_list_new());
        ldns_rr_list_push_rr(rrset.get(), ldns_rr_clone(rr));
        for (std::size_t j = 0; j < ldns_rr_list_rr_count(&authority); ++j) {
            const ldns_rr* sig = ldns_rr_list_rr(&authority, j);
            if (ldns_rr_get_type(sig) != LDNS_RR_TYPE_RRSIG || compare(ldns_rr_owner(sig), owner))
                continue;
            if (ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(sig)) != type) continue;
            if (ldns_rdf2native_int8(ldns_rr_rrsig_labels(sig)) != labels) continue;
            ldns_rr_list_push_rr(sigs.get(), ldns_rr_clone(sig));
        }
        if (auto valid = validate_rrset(*rrset, *sigs, keys, key_sigs, anchors, now); !valid.ok()) {
            if (problem.empty())
                problem = type_name(type) + " at " + text_of(owner) + ": " + valid.error().message;
            continue;
        }
        out.push_back(rr);
    }
    return out;
}

Result<DenialProof> nsec_proof(const std::vector<const ldns_rr*>& nsecs, const ldns_rdf* name,
                               ldns_rr_type type, const ldns_rdf* zone) {
    const std::string at = text_of(name);
    for (const ldns_rr* nsec : nsecs) {
        if (compare(ldns_rr_owner(nsec), name) != 0) continue;
        const std::string why = does_not_deny(ldns_nsec_get_bitmap(nsec), type);
        if (!why.empty()) return Error::check_failed("the NSEC at " + at + " " + why);
        return DenialProof::nsec_nodata;
    }
    const ldns_rr* covering = nullptr;
    for (const ldns_rr* nsec : nsecs) {
        if (ldns_rr_rd_count(nsec) < 1) continue;
        if (strictly_between(ldns_rr_owner(nsec), ldns_rr_rdf(nsec, 0), name)) covering = nsec;
    }
    if (covering == nullptr) return Error::check_failed("no NSEC matches or covers " + at);
    const ldns_rdf* owner = ldns_rr_owner(covering);
    const ldns_rdf* next = ldns_rr_rdf(covering, 0);
    if (ldns_dname_is_subdomain(name, owner) && hands_off_below(ldns_nsec_get_bitmap(covering)))
        return Error::check_failed("the NSEC covering " + at + " is a delegation or DNAME");
    // The closest encloser exists: the deeper of the names the covering NSEC shares with it.
    ldns::RdfPtr encloser = common_ancestor(name, owner);
    ldns::RdfPtr by_next = common_ancestor(name, next);
    if (!encloser ||
        (by_next && ldns_dname_label_count(by_next.get()) > ldns_dname_label_count(encloser.get())))
        encloser = std::move(by_next);
    if (!encloser || !at_or_below(encloser.get(), zone))
        return Error::check_failed("the NSEC covering " + at + " leaves the zone");
    // The next name lies below ours: an empty non-terminal, which has no records at all.
    if (compare(encloser.get(), name) == 0) return DenialProof::nsec_nodata;
    ldns::RdfPtr wildcard = wildcard_below(encloser.get());
    if (!wildcard) return Error::check_failed("no wildcard name below " + text_of(encloser.get()));
    for (const ldns_rr* nsec : nsecs) {
        if (compare(ldns_rr_owner(nsec), wildcard.get()) == 0) {
            const std::string why = does_not_deny(ldns_nsec_get_bitmap(nsec), type);
            if (!why.empty())
                return Error::check_failed("the NSEC at " + text_of(wildcard.get()) + " " + why);
            return DenialProof::nsec_nxdomain;
        }
        if (ldns_rr_rd_count(nsec) >= 1 &&
            strictly_between(ldns_rr_owner(nsec), ldns_rr_rdf(nsec, 0), wildcard.get()))
            return DenialProof::nsec_nxdomain;
    }
    return Error::check_failed("no NSEC denies the wildcard " + text_of(wildcard.get()));
}

// One NSEC3 chain (hash parameters of the first record; others are ignored, RFC 5155 8.2).
class Nsec3Chain {
  public:
    Nsec3Chain(const std::vector<const ldns_rr*>& all, const ldns_rdf* zone) : zone_(zone) {
        const ldns_rr* first = all.front();
        for (const ldns_rr* rr : all) {
            if (ldns_nsec3_algorithm(rr) == ldns_nsec3_algorithm(first) &&
                ldns_nsec3_iterations(rr) == ldns_nsec3_iterations(first) &&
                ldns_rdf_compare(ldns_nsec3_salt(rr), ldns_nsec3_salt(first)) == 0)
                records_.push_back(rr);
        }
    }
    [[nodiscard]] const ldns_rr* first() const { return records_.front(); }

    [[nodiscard]] const ldns_rr* matching(const ldns_rdf* name) const {
        ldns::RdfPtr hashed = hash(name);
        for (const ldns_rr* rr : records_) {
            if (hashed && compare(ldns_rr_owner(rr), hashed.get()) == 0) return rr;
        }
        return nullptr;
    }
    [[nodiscard]] const ldns_rr* covering(const ldns_rdf* name) const {
        ldns::RdfPtr hashed = hash(name);
        for (const ldns_rr* rr : records_) {
            ldns::RdfPtr next = next_owner(rr);
            if (hashed && next && strictly_between(ldns_rr_owner(rr), next.get(), hashed.get()))
                return rr;
        }
        return nullptr;
    }

  private:
    [[nodiscard]] ldns::RdfPtr hash(const ldns_rdf* name) const {
        ldns::RdfPtr label(ldns_nsec3_hash_name_frm_nsec3(first(), name));
        if (!label || ldns_dname_cat(label.get(), zone_) != LDNS_STATUS_OK) return {};
        return label;
    }
    [[nodiscard]] ldns::RdfPtr next_owner(const ldns_rr* rr) const {
        const ldns_rdf* raw = ldns_nsec3_next_owner(rr);
        if (raw == nullptr) return {};
        ldns::RdfPtr next(ldns_dname_new_frm_str(text_of(raw).c_str()));
        if (!next || ldns_dname_cat(next.get(), zone_) != LDNS_STATUS_OK) return {};
        return next;
    }

    const ldns_rdf* zone_;
    std::vector<const ldns_rr*> records_;
};

Result<DenialProof> nsec3_proof(const std::vector<const ldns_rr*>& all, const ldns_rdf* name,
                                ldns_rr_type type, const ldns_rdf* zone) {
    const Nsec3Chain chain(all, zone);
    if (ldns_nsec3_algorithm(chain.first()) != nsec3_sha1)
        return Error::check_failed("NSEC3 hash algorithm " +
                                   std::to_string(ldns_nsec3_algorithm(chain.first())) +
                                   " is unknown");
    if (ldns_nsec3_iterations(chain.first()) > max_nsec3_iterations)
        return Error::check_failed("NSEC3 with " +
                                   std::to_string(ldns_nsec3_iterations(chain.first())) +
                                   " iterations proves nothing (RFC 9276)");
    const std::string at = text_of(name);
    if (const ldns_rr* match = chain.matching(name)) {
        const std::string why = does_not_deny(ldns_nsec3_bitmap(match), type);
        if (!why.empty()) return Error::check_failed("the NSEC3 for " + at + " " + why);
        return DenialProof::nsec3_nodata;
    }
    // The closest encloser proof (RFC 5155 section 8.4): the deepest existing ancestor, an NSEC3
    // covering the next closer name without opt-out, and no wildcard that answers.
    ldns::RdfPtr next_closer(ldns_rdf_clone(name));
    ldns::RdfPtr encloser(ldns_dname_left_chop(name));
    while (encloser && at_or_below(encloser.get(), zone)) {
        if (const ldns_rr* match = chain.matching(encloser.get())) {
            const std::string where = text_of(encloser.get());
            if (hands_off_below(ldns_nsec3_bitmap(match)))
                return Error::check_failed("the closest encloser " + where +
                                           " is a delegation or DNAME");
            const ldns_rr* cover = chain.covering(next_closer.get());
            if (cover == nullptr)
                return Error::check_failed("no NSEC3 covers " + text_of(next_closer.get()));
            if (ldns_nsec3_optout(cover))
                return Error::check_failed("the NSEC3 covering " + text_of(next_closer.get()) +
                                           " has opt-out: it proves no absence");
            ldns::RdfPtr wildcard = wildcard_below(encloser.get());
            if (!wildcard) return Error::check_failed("no wildcard name below " + where);
            if (chain.covering(wildcard.get()) != nullptr) return DenialProof::nsec3_nxdomain;
            if (const ldns_rr* star = chain.matching(wildcard.get())) {
                const std::string why = does_not_deny(ldns_nsec3_bitmap(star), type);
                if (!why.empty())
                    return Error::check_failed("the NSEC3 for " + text_of(wildcard.get()) + " " +
                                               why);
                return DenialProof::nsec3_nxdomain;
            }
            return Error::check_failed("no NSEC3 denies the wildcard " + text_of(wildcard.get()));
        }
        next_closer = std::move(encloser);
        encloser.reset(ldns_dname_left_chop(next_closer.get()));
    }
    return Error::check_failed("no NSEC3 proves a closest encloser of " + at);
}

}  // namespace

std::string to_string(DenialProof proof) {
    switch (proof) {
        case DenialProof::nsec_nodata:
            return "NSEC NODATA";
        case DenialProof::nsec_nxdomain:
            return "NSEC no such name";
        case DenialProof::nsec3_nodata:
            return "NSEC3 NODATA";
        case DenialProof::nsec3_nxdomain:
            return "NSEC3 no such name";
    }
    return "?";
}

Result<DenialProof> verify_denial(const ldns_rr_list& authority, const ldns_rdf& name,
                                  ldns_rr_type type, const ldns_rdf& zone, const ldns_rr_list& keys,
                                  const ldns_rr_list& key_sigs, const ldns_rr_list* anchors,
                                  TimePoint now) {
    if (!at_or_below(&name, &zone))
        return Error::check_failed(text_of(&name) + " is outside the zone " + text_of(&zone));
    std::string problem;
    const auto nsecs = validated_records(authority, LDNS_RR_TYPE_NSEC, &zone, keys, key_sigs,
                                         anchors, now, problem);
    if (!nsecs.empty()) return nsec_proof(nsecs, &name, type, &zone);
    const auto nsec3s = validated_records(authority, LDNS_RR_TYPE_NSEC3, &zone, keys, key_sigs,
                                          anchors, now, problem);
    if (!nsec3s.empty()) return nsec3_proof(nsec3s, &name, type, &zone);
    return Error::check_failed(problem.empty() ? "no NSEC or NSEC3 in the reply proves the absence"
                                               : problem);
}

}  // namespace dk::zone
