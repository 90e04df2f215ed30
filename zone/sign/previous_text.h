// The signed file as danekeeper last wrote it, held as text and indexed by owner instead of
// parsed: an incremental signing formats each RRset as it would write it and keeps a signature
// only when the file has exactly those lines for the RRset and an RRSIG over it that
// find_reusable would keep. Kept RRSIG lines are copied, not decoded and encoded again.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "zone/sign/rrsig.h"
#include "zone/sign/zone_model.h"

namespace dk::zone::sign {

struct PreviousText {
    std::string text;
    std::unordered_map<std::string_view, std::string_view> owners;  // owner text -> its lines
    Zone head;  // the apex node parsed: SOA serial, the DNSKEY RRset the signatures were made under
};

// Indexes zone-file text laid out as zone_writer writes it (one "OWNER.\tTTL\tIN\tTYPE\tRDATA"
// line per record, each owner's lines together, the apex first). nullopt for any other layout:
// the full reader takes the file then.
std::optional<PreviousText> index_previous_text(std::string text, const WireName& origin);

// One line of an owner in the previous text.
struct PreviousLine {
    std::uint16_t type = 0;
    std::string_view line;   // without the newline
    std::string_view rdata;  // the RDATA text
};

// The lines of `owner_text` (false: none, or one not in the writer's layout).
bool previous_lines(const PreviousText& previous, std::string_view owner_text,
                    std::vector<PreviousLine>& out);

// Whether the previous lines of type `type` are exactly `text` (the RRset's lines as the writer
// formats them now, `count` records): same records, same TTL, same order.
bool same_rrset_lines(const std::vector<PreviousLine>& lines, std::uint16_t type,
                      std::string_view text, std::size_t count);

// The RDATA text of an RRSIG line over `type` (TTL `ttl`) by `key` that may be kept now: the
// conditions of find_reusable, read from the text; the signature must be plain base64.
std::optional<std::string_view> find_reusable_text(const std::vector<PreviousLine>& lines,
                                                   std::uint16_t type, std::uint32_t ttl,
                                                   std::string_view owner, const SigningKey& key,
                                                   std::string_view signer_text,
                                                   const RrsigTimes& times);

}  // namespace dk::zone::sign
