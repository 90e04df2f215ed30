#include "zone/sign/previous_text.h"

#include "zone/sign/names.h"
#include "zone/sign/signed_zone.h"
#include "zone/sign/simple_tokens.h"
#include "zone/sign/zone_reader.h"

namespace dk::zone::sign {
namespace {

// Splits off the text up to `sep` (false when there is none).
bool next_field(std::string_view& rest, char sep, std::string_view& field) {
    const std::size_t at = rest.find(sep);
    if (at == std::string_view::npos) return false;
    field = rest.substr(0, at);
    rest.remove_prefix(at + 1);
    return true;
}

bool base64_text(std::string_view s) {
    if (s.empty() || s.size() % 4 != 0) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                           (c >= '0' && c <= '9') || c == '+' || c == '/';
        if (!plain && !(c == '=' && i + 2 >= s.size())) return false;
    }
    return true;
}

bool number_field(std::string_view& rest, std::uint64_t max, std::uint64_t& out) {
    std::string_view f;
    return next_field(rest, ' ', f) && parse_number(f, max, out);
}

}  // namespace

std::optional<PreviousText> index_previous_text(std::string text, const WireName& origin) {
    PreviousText p;
    p.text = std::move(text);
    const std::string_view all(p.text);
    const std::string origin_text = name_to_text(origin);
    p.owners.reserve(all.size() / 300);
    std::string_view owner;
    std::size_t owner_begin = 0;
    std::size_t pos = 0;
    auto close = [&](std::size_t end) {
        if (owner.empty()) return true;
        return p.owners.emplace(owner, all.substr(owner_begin, end - owner_begin)).second;
    };
    while (pos < all.size()) {
        std::size_t end = all.find('\n', pos);
        if (end == std::string_view::npos) end = all.size();
        const std::string_view line = all.substr(pos, end - pos);
        const std::size_t tab = line.find('\t');
        if (tab == std::string_view::npos || tab == 0 || line[tab - 1] != '.') return std::nullopt;
        const char c = line.front();
        if (c == ' ' || c == ';' || c == '$' || c == '(' || c == ')') return std::nullopt;
        const std::string_view name = line.substr(0, tab);
        if (name != owner) {
            if (owner.empty() && name != origin_text) return std::nullopt;  // the apex first
            if (!close(pos)) return std::nullopt;  // an owner's lines in two places
            owner = name;
            owner_begin = pos;
        }
        pos = end + 1;
    }
    if (!close(all.size())) return std::nullopt;
    const auto apex = p.owners.find(origin_text);
    if (apex == p.owners.end()) return std::nullopt;
    ReadOptions read;
    read.origin = origin_text;
    read.source = "previous signed zone";
    auto records = read_zone_text(apex->second, read);
    if (!records.ok()) return std::nullopt;
    p.head = signed_zone_from(origin, std::move(*records));
    if (p.head.nodes.size() != 1) return std::nullopt;
    return p;
}

bool previous_lines(const PreviousText& previous, std::string_view owner_text,
                    std::vector<PreviousLine>& out) {
    out.clear();
    const auto it = previous.owners.find(owner_text);
    if (it == previous.owners.end()) return false;
    std::string_view rest = it->second;
    while (!rest.empty()) {
        std::string_view line;
        if (!next_field(rest, '\n', line)) {
            line = rest;
            rest = {};
        }
        std::string_view fields = line;
        std::string_view owner;
        std::string_view ttl;
        std::string_view klass;
        std::string_view type;
        if (!next_field(fields, '\t', owner) || !next_field(fields, '\t', ttl) ||
            !next_field(fields, '\t', klass) || !next_field(fields, '\t', type) || klass != "IN")
            return false;
        const std::uint16_t t = type_from_name(type);
        if (t == 0) return false;
        out.push_back(PreviousLine{t, line, fields});
    }
    return true;
}

bool same_rrset_lines(const std::vector<PreviousLine>& lines, std::uint16_t type,
                      std::string_view text, std::size_t count) {
    std::size_t seen = 0;
    std::size_t pos = 0;
    for (const auto& l : lines) {
        if (l.type != type) continue;
        ++seen;
        if (text.size() < pos + l.line.size() + 1 || text.substr(pos, l.line.size()) != l.line ||
            text[pos + l.line.size()] != '\n')
            return false;
        pos += l.line.size() + 1;
    }
    return seen == count && pos == text.size();
}

std::optional<std::string_view> find_reusable_text(const std::vector<PreviousLine>& lines,
                                                   std::uint16_t type, std::uint32_t ttl,
                                                   std::string_view owner, const SigningKey& key,
                                                   std::string_view signer_text,
                                                   const RrsigTimes& times) {
    const unsigned labels = rrsig_label_count(owner);
    for (const auto& l : lines) {
        if (l.type != type_rrsig) continue;
        std::string_view rest = l.rdata;
        std::string_view covered;
        std::uint64_t alg = 0;
        std::uint64_t label_count = 0;
        std::uint64_t original_ttl = 0;
        std::uint64_t tag = 0;
        std::string_view expiration_text;
        std::string_view inception_text;
        std::string_view signer;
        std::uint32_t expiration = 0;
        std::uint32_t inception = 0;
        if (!next_field(rest, ' ', covered) || type_from_name(covered) != type ||
            !number_field(rest, 255, alg) || alg != key.dnskey().algorithm ||
            !number_field(rest, 255, label_count) || label_count != labels ||
            !number_field(rest, 0xffffffff, original_ttl) || original_ttl != ttl ||
            !next_field(rest, ' ', expiration_text) || !next_field(rest, ' ', inception_text) ||
            !number_field(rest, 65535, tag) || tag != key.tag() || !next_field(rest, ' ', signer) ||
            signer != signer_text || !base64_text(rest) ||
            !parse_rrsig_time(expiration_text, expiration) ||
            !parse_rrsig_time(inception_text, inception))
            continue;
        // As find_reusable: begun by now, and not expiring within the refresh window.
        if (inception > times.now || expiration <= times.keep_until) continue;
        return l.rdata;
    }
    return std::nullopt;
}

}  // namespace dk::zone::sign
