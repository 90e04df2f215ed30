#include "zone/sign/previous_text.h"

#include <array>
#include <utility>

#include "base/base64.h"
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

// The writer's type mnemonics, the common ones without the general lookup.
std::uint16_t line_type(std::string_view name) {
    // Most lines of a signed zone first; a comparison of different lengths costs one compare.
    static constexpr std::pair<std::string_view, std::uint16_t> common[] = {
        {"RRSIG", type_rrsig}, {"NSEC", type_nsec}, {"NSEC3", type_nsec3}, {"A", type_a},
        {"AAAA", type_aaaa},   {"TLSA", type_tlsa}, {"MX", type_mx},       {"NS", type_ns},
        {"DS", type_ds},       {"TXT", type_txt},   {"SOA", type_soa}};
    for (const auto& [mnemonic, type] : common) {
        if (name == mnemonic) return type;
    }
    return type_from_name(name);
}

std::uint64_t owner_hash(std::string_view name) {
    std::uint64_t h = 14695981039346656037ull;  // FNV-1a
    for (const char c : name) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    return h;
}

// The signatures of one signing run share their inception: it is parsed once per thread.
bool inception_time(std::string_view text, std::uint32_t& out) {
    thread_local std::string last;
    thread_local std::uint32_t value = 0;
    if (!last.empty() && text == last) {
        out = value;
        return true;
    }
    if (!parse_rrsig_time(text, out)) return false;
    last.assign(text);
    value = out;
    return true;
}

bool number_field(std::string_view& rest, std::uint64_t max, std::uint64_t& out) {
    std::string_view f;
    return next_field(rest, ' ', f) && parse_number(f, max, out);
}

}  // namespace

std::uint32_t PreviousText::find(std::string_view name, std::uint32_t hint) const {
    if (hint < owners.size() && owners[hint].name == name) return hint;
    if (table.empty()) return no_owner;
    const std::size_t mask = table.size() - 1;
    for (std::size_t i = owner_hash(name) & mask;; i = (i + 1) & mask) {
        const std::uint32_t at = table[i];
        if (at == no_owner || owners[at].name == name) return at;
    }
}

namespace {

std::optional<PreviousText> index_text(PreviousText p, const WireName& origin) {
    const std::string_view all = p.text;
    const std::string origin_text = name_to_text(origin);
    p.owners.reserve(all.size() / 300);
    std::size_t pos = 0;
    while (pos < all.size()) {
        std::size_t end = all.find('\n', pos);
        if (end == std::string_view::npos) end = all.size();
        const std::string_view line = all.substr(pos, end - pos);
        const std::size_t tab = line.find('\t');
        if (tab == std::string_view::npos || tab == 0 || line[tab - 1] != '.') return std::nullopt;
        const char c = line.front();
        if (c == ' ' || c == ';' || c == '$' || c == '(' || c == ')') return std::nullopt;
        const std::string_view name = line.substr(0, tab);
        if (p.owners.empty() || name != p.owners.back().name) {
            if (p.owners.empty() && name != origin_text) return std::nullopt;  // the apex first
            if (!p.owners.empty()) {
                auto& last = p.owners.back();
                last.lines =
                    all.substr(last.lines.data() - all.data(),
                               pos - static_cast<std::size_t>(last.lines.data() - all.data()));
            }
            p.owners.push_back({name, all.substr(pos, 0)});
        }
        pos = end + 1;
    }
    if (p.owners.empty()) return std::nullopt;
    auto& last = p.owners.back();
    last.lines = all.substr(last.lines.data() - all.data());
    if (p.owners.size() >= PreviousText::no_owner / 4) return std::nullopt;
    std::size_t size = 1;
    while (size < 2 * p.owners.size()) size *= 2;
    p.table.assign(size, PreviousText::no_owner);
    for (std::uint32_t k = 0; k < p.owners.size(); ++k) {
        for (std::size_t i = owner_hash(p.owners[k].name) & (size - 1);; i = (i + 1) & (size - 1)) {
            if (p.table[i] == PreviousText::no_owner) {
                p.table[i] = k;
                break;
            }
            if (p.owners[p.table[i]].name == p.owners[k].name)
                return std::nullopt;  // an owner's lines in two places
        }
    }
    ReadOptions read;
    read.origin = origin_text;
    read.source = "previous signed zone";
    auto records = read_zone_text(p.owners.front().lines, read);
    if (!records.ok()) return std::nullopt;
    p.head = signed_zone_from(origin, std::move(*records));
    if (p.head.nodes.size() != 1) return std::nullopt;
    return p;
}

}  // namespace

std::optional<PreviousText> index_previous_text(std::string text, const WireName& origin) {
    PreviousText p;
    p.owned = std::make_unique<const std::string>(std::move(text));
    p.text = *p.owned;
    return index_text(std::move(p), origin);
}

std::optional<PreviousText> index_previous_text(files::MappedFile file, const WireName& origin) {
    PreviousText p;
    p.mapped = std::move(file);
    p.text = p.mapped.text();
    return index_text(std::move(p), origin);
}

bool previous_lines(const PreviousText& previous, std::string_view owner_text,
                    std::vector<PreviousLine>& out, std::uint32_t& hint) {
    out.clear();
    const std::uint32_t at = previous.find(owner_text, hint);
    if (at == PreviousText::no_owner) return false;
    hint = at + 1;
    std::string_view rest = previous.owners[at].lines;
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
        PreviousLine l{line_type(type), 0, line, ttl, fields};
        if (l.type == 0) return false;
        if (l.type == type_rrsig) {
            std::string_view covered = fields.substr(0, fields.find(' '));
            l.covered = line_type(covered);
        }
        out.push_back(l);
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

const PreviousLine* find_reusable_text(const std::vector<PreviousLine>& lines, std::uint16_t type,
                                       std::uint32_t ttl, std::string_view owner,
                                       const SigningKey& key, std::string_view signer_text,
                                       const RrsigTimes& times, std::uint32_t* expiration_out) {
    const unsigned labels = rrsig_label_count(owner);
    for (const auto& l : lines) {
        if (l.type != type_rrsig || l.covered != type) continue;
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
        if (!next_field(rest, ' ', covered) || !number_field(rest, 255, alg) ||
            alg != key.dnskey().algorithm || !number_field(rest, 255, label_count) ||
            label_count != labels || !number_field(rest, 0xffffffff, original_ttl) ||
            original_ttl != ttl || !next_field(rest, ' ', expiration_text) ||
            !next_field(rest, ' ', inception_text) || !number_field(rest, 65535, tag) ||
            tag != key.tag() || !next_field(rest, ' ', signer) || signer != signer_text ||
            !is_base64(rest) || !parse_rrsig_time(expiration_text, expiration) ||
            !inception_time(inception_text, inception))
            continue;
        // As find_reusable: begun by now, and not expiring within the refresh window.
        if (inception > times.now || expiration <= times.keep_until) continue;
        if (expiration_out != nullptr) *expiration_out = expiration;
        return &l;
    }
    return nullptr;
}

}  // namespace dk::zone::sign
