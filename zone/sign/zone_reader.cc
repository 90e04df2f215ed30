#include "zone/sign/zone_reader.h"

#include <optional>
#include <thread>

#include "base/files.h"
#include "base/ldns_handles.h"
#include "base/strings.h"
#include "zone/sign/simple_record.h"
#include "zone/sign/zone_lexer.h"

namespace dk::zone::sign {
namespace {

// Where a reader may start: a line with an owner of its own, outside parentheses and quotes,
// with the $ORIGIN/$TTL lines seen before it (replayed so it starts in the same state).
struct Cut {
    std::size_t offset = 0;
    std::uint32_t line = 0;  // lines before the cut
    std::string directives;
};

bool owner_line_start(char c) {
    return c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != ';' && c != '$' && c != '(' &&
           c != ')';
}

// Finds up to parts-1 cuts near equal sizes. Only after a $TTL: the default TTL is then known.
std::vector<Cut> find_cuts(std::string_view text, unsigned parts) {
    std::vector<Cut> cuts{Cut{}};
    if (parts <= 1 || text.size() < 1024 * 1024) return cuts;
    std::string directives;
    bool ttl_known = false;
    int depth = 0;
    bool quoted = false;
    std::uint32_t line = 0;
    std::size_t next_target = text.size() / parts;
    std::size_t i = 0;
    while (i < text.size()) {
        // At a line start here.
        if (depth == 0 && !quoted) {
            if (text[i] == '$') {
                const std::size_t end = text.find('\n', i);
                const std::string_view d =
                    text.substr(i, (end == std::string_view::npos ? text.size() : end) - i);
                if (d.starts_with("$TTL")) ttl_known = true;
                if (d.starts_with("$TTL") || d.starts_with("$ORIGIN")) {
                    directives.append(d);
                    directives.push_back('\n');
                }
            } else if (i >= next_target && ttl_known && owner_line_start(text[i])) {
                cuts.push_back(Cut{i, line, directives});
                if (cuts.size() == parts) break;
                next_target = text.size() * cuts.size() / parts;
            }
        }
        bool comment = false;
        for (; i < text.size() && text[i] != '\n'; ++i) {
            const char c = text[i];
            if (comment) continue;
            if (c == '\\') {
                ++i;
                if (i < text.size() && text[i] == '\n') break;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == ';') {
                comment = true;
            } else if (!quoted && c == '(') {
                ++depth;
            } else if (!quoted && c == ')') {
                --depth;
            }
        }
        ++i;
        ++line;
    }
    return cuts;
}

struct Part {
    std::vector<Record> records;
    std::optional<Error> error;
};

std::string problem(const ReadOptions& o, std::uint32_t line, const std::string& what) {
    return o.source + ":" + std::to_string(line) + ": " + what;
}

ldns::RdfPtr rdf_from_wire(std::string_view wire) {
    return ldns::RdfPtr(ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, wire.size(), wire.data()));
}

// Canonical owner and RDATA of one parsed RR (RFC 4034 6.2).
std::optional<std::string> to_record(ldns_rr* rr, ldns_buffer* buf, std::string_view origin,
                                     Record& out) {
    if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) return std::string("class is not IN");
    ldns_rr2canonical(rr);
    const ldns_rdf* owner = ldns_rr_owner(rr);
    out.owner.assign(reinterpret_cast<const char*>(ldns_rdf_data(owner)), ldns_rdf_size(owner));
    if (!is_at_or_below(out.owner, origin))
        return "owner " + name_to_text(out.owner) + " is outside the zone " + name_to_text(origin);
    out.type = static_cast<std::uint16_t>(ldns_rr_get_type(rr));
    out.ttl = ldns_rr_ttl(rr);
    ldns_buffer_clear(buf);
    if (ldns_rr_rdata2buffer_wire(buf, rr) != LDNS_STATUS_OK) return std::string("bad rdata");
    out.rdata.assign(reinterpret_cast<const char*>(ldns_buffer_begin(buf)),
                     ldns_buffer_position(buf));
    return std::nullopt;
}

// The reader's state as the file sets it: $ORIGIN, $TTL, the previous owner.
struct ReaderState {
    WireName zone;      // the zone's origin: every owner must be inside it
    WireName origin;    // $ORIGIN: relative names are completed with it
    WireName previous;  // the owner of a line that starts with a blank
    std::uint32_t ttl = 0;
    bool dollar_ttl = false;
    ldns::RdfPtr origin_rdf;  // for ldns, kept in step with `origin`
    ldns::BufferPtr buffer{ldns_buffer_new(512)};
    std::string scratch;
};

std::string_view first_word(std::string_view text, std::string_view& rest) {
    std::size_t i = 0;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '\t' && text[j] != '\r') ++j;
    rest = text.substr(j);
    return text.substr(i, j - i);
}

// $ORIGIN and $TTL; anything else starting with '$' is refused.
std::optional<std::string> directive(std::string_view text, ReaderState& st) {
    std::string_view rest;
    const std::string_view name = first_word(text, rest);
    std::string_view after;
    const std::string value(first_word(rest, after));
    if (!is_blank(after) || value.empty()) return "expected " + std::string(name) + " VALUE";
    if (name == "$TTL") {
        const char* end = nullptr;
        const std::uint32_t ttl = ldns_str2period(value.c_str(), &end);
        if (end == nullptr || *end != '\0') return "$TTL " + value + ": not a TTL";
        st.ttl = ttl;
        st.dollar_ttl = true;
        return std::nullopt;
    }
    if (name == "$ORIGIN") {
        ldns::RdfPtr rdf(ldns_dname_new_frm_str(value.c_str()));
        if (!rdf) return "$ORIGIN " + value + ": not a domain name";
        if (!ldns_dname_str_absolute(value.c_str())) {
            ldns_rdf* joined = ldns_dname_cat_clone(rdf.get(), st.origin_rdf.get());
            rdf.reset(joined);
            if (!rdf) return "$ORIGIN " + value + ": name too long";
        }
        ldns_dname2canonical(rdf.get());
        st.origin.assign(reinterpret_cast<const char*>(ldns_rdf_data(rdf.get())),
                         ldns_rdf_size(rdf.get()));
        st.origin_rdf = std::move(rdf);
        return std::nullopt;
    }
    if (name == "$INCLUDE") return std::string("$INCLUDE is not supported");
    return "unknown directive " + std::string(name);
}

// One record by ldns: what the fast path did not take, and where the errors are found.
std::optional<std::string> ldns_record(std::string_view text, ReaderState& st, Record& out) {
    st.scratch.assign(text);
    ldns::RdfPtr prev = st.previous.empty() ? nullptr : rdf_from_wire(st.previous);
    ldns_rdf* prev_raw = prev.release();
    ldns_rr* raw = nullptr;
    const ldns_status s =
        ldns_rr_new_frm_str(&raw, st.scratch.c_str(), st.ttl, st.origin_rdf.get(), &prev_raw);
    ldns_rdf_deep_free(prev_raw);
    ldns::RrPtr rr(raw);
    if (s != LDNS_STATUS_OK || !rr) return std::string(ldns_get_errorstr_by_id(s));
    if (!ldns::type_and_class_fit(*rr)) return std::string("a type or class number beyond 65535");
    return to_record(rr.get(), st.buffer.get(), st.zone, out);
}

std::optional<std::string> read_line(const LogicalLine& line, ReaderState& st, Record& r) {
    if (!line.text.empty() && line.text.front() == '$') return directive(line.text, st);
    if (!parse_simple_record(line.text, st.origin, st.previous, st.ttl, r)) {
        if (auto why = ldns_record(line.text, st, r)) return why;
    } else if (!is_at_or_below(r.owner, st.zone)) {
        return "owner " + name_to_text(r.owner) + " is outside the zone " + name_to_text(st.zone);
    }
    r.line = line.line;
    st.previous = r.owner;
    // Without $TTL a record without TTL takes the last one given (RFC 1035 5.1).
    if (!st.dollar_ttl) st.ttl = r.ttl;
    return std::nullopt;
}

void read_part(std::string_view text, const Cut& cut, const ReadOptions& o,
               std::string_view origin_wire, Part& part) {
    ReaderState st;
    st.zone = WireName(origin_wire);
    st.origin = st.zone;
    st.origin_rdf = rdf_from_wire(st.origin);
    st.ttl = o.default_ttl;
    ZoneLexer replay(cut.directives, 1);
    LogicalLine line;
    while (replay.next(line)) (void)directive(line.text, st);
    ZoneLexer lexer(text, cut.line + 1);
    part.records.reserve(text.size() / 40);
    while (lexer.next(line)) {
        if (!lexer.problem().empty()) {
            part.error = Error::bad_input(problem(o, line.line, lexer.problem()));
            return;
        }
        Record r;
        if (auto why = read_line(line, st, r)) {
            part.error = Error::bad_input(problem(o, line.line, *why));
            return;
        }
        if (!line.text.empty() && line.text.front() == '$') continue;
        part.records.push_back(std::move(r));
    }
}

ReadOptions single(ReadOptions o) {
    o.threads = 1;
    return o;
}

}  // namespace

Result<WireName> wire_origin(const std::string& origin) {
    const std::string text = absolute_name(origin);
    ldns::RdfPtr rdf(ldns_dname_new_frm_str(text.c_str()));
    if (!rdf) return Error::bad_input("'" + origin + "' is not a domain name");
    ldns_dname2canonical(rdf.get());
    return WireName(reinterpret_cast<const char*>(ldns_rdf_data(rdf.get())),
                    ldns_rdf_size(rdf.get()));
}

Result<std::vector<Record>> read_zone_text(std::string_view text, const ReadOptions& options) {
    DK_TRY(const WireName origin, wire_origin(options.origin));
    ReadOptions o = options;
    o.origin = name_to_text(origin);
    const auto cuts = find_cuts(text, std::max(1u, options.threads));
    std::vector<Part> parts(cuts.size());
    auto run = [&](std::size_t i) {
        const std::size_t end = i + 1 < cuts.size() ? cuts[i + 1].offset : text.size();
        read_part(text.substr(cuts[i].offset, end - cuts[i].offset), cuts[i], o, origin, parts[i]);
    };
    std::vector<std::thread> workers;
    for (std::size_t i = 1; i < cuts.size(); ++i) workers.emplace_back(run, i);
    run(0);
    for (auto& w : workers) w.join();
    std::size_t total = 0;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (parts[i].error && i == 0) return *parts[i].error;
        // A later part that fails may have been cut in a bad place: the whole text read by one
        // reader has the last word, and names the right line.
        if (parts[i].error) return read_zone_text(text, single(options));
        total += parts[i].records.size();
    }
    if (parts.size() == 1) return std::move(parts[0].records);
    std::vector<Record> all;
    all.reserve(total);
    for (auto& p : parts) {
        for (auto& r : p.records) all.push_back(std::move(r));
        std::vector<Record>().swap(p.records);
    }
    return all;
}

Result<std::vector<Record>> read_zone_file(const std::string& path, const ReadOptions& options) {
    DK_TRY(const std::string text, files::read_limited(path, max_zone_file_bytes));
    ReadOptions o = options;
    if (o.source.empty()) o.source = path;
    return read_zone_text(text, o);
}

Result<Record> parse_record(const std::string& text, const std::string& origin) {
    DK_TRY(const WireName origin_wire, wire_origin(origin));
    const std::string origin_text = name_to_text(origin_wire);
    ldns::RdfPtr origin_rdf(ldns_dname_new_frm_str(origin_text.c_str()));
    ldns_rr* raw = nullptr;
    const ldns_status s = ldns_rr_new_frm_str(&raw, text.c_str(), 3600, origin_rdf.get(), nullptr);
    ldns::RrPtr rr(raw);
    if (s != LDNS_STATUS_OK || !rr)
        return Error::bad_input("\"" + text + "\": " + ldns_get_errorstr_by_id(s));
    if (!ldns::type_and_class_fit(*rr))
        return Error::bad_input("\"" + text + "\": a type or class number beyond 65535");
    ldns::BufferPtr buf(ldns_buffer_new(512));
    Record r;
    if (auto why = to_record(rr.get(), buf.get(), origin_wire, r))
        return Error::bad_input("\"" + text + "\": " + *why);
    return r;
}

}  // namespace dk::zone::sign
