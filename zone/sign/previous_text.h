// The signed file as danekeeper last wrote it, held as text and indexed by owner instead of
// parsed: an incremental signing formats each RRset as it would write it and keeps a signature
// only when the file has exactly those lines for the RRset and an RRSIG over it that
// find_reusable would keep. Kept RRSIG lines are copied, not decoded and encoded again.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/mapped_file.h"
#include "zone/sign/rrsig.h"
#include "zone/sign/zone_model.h"

namespace dk::zone::sign {

struct PreviousText {
    // The text, in `mapped` (the file read in place) or in `owned`; both keep their address
    // when the PreviousText moves, so the views below stay valid.
    files::MappedFile mapped;
    std::unique_ptr<const std::string> owned;
    std::string_view text;
    // Each owner's lines in file order, and an open-addressing table of indexes into them (a
    // power of two in size; empty slots hold no_owner), hashed by owner text.
    struct Owner {
        std::string_view name;
        std::string_view lines;
    };
    static constexpr std::uint32_t no_owner = 0xffffffff;
    std::vector<Owner> owners;
    std::vector<std::uint32_t> table;
    Zone head;  // the apex node parsed: SOA serial, the DNSKEY RRset the signatures were made under

    // The index of `name` in owners, or no_owner. `hint` is tried first (the one after the last
    // found: owners are looked up mostly in file order).
    [[nodiscard]] std::uint32_t find(std::string_view name, std::uint32_t hint) const;
};

// Indexes zone-file text laid out as zone_writer writes it (one "OWNER.\tTTL\tIN\tTYPE\tRDATA"
// line per record, each owner's lines together, the apex first). nullopt for any other layout:
// the full reader takes the file then.
std::optional<PreviousText> index_previous_text(std::string text, const WireName& origin);
std::optional<PreviousText> index_previous_text(files::MappedFile file, const WireName& origin);

// One line of an owner in the previous text.
struct PreviousLine {
    std::uint16_t type = 0;
    std::uint16_t covered = 0;  // of an RRSIG
    std::string_view line;      // without the newline
    std::string_view ttl;       // the TTL field
    std::string_view rdata;     // the RDATA text
};

// The lines of `owner_text` (false: none, or one not in the writer's layout). `hint` is where
// to look first, and becomes the index after the owner found.
bool previous_lines(const PreviousText& previous, std::string_view owner_text,
                    std::vector<PreviousLine>& out, std::uint32_t& hint);

// Whether the previous lines of type `type` are exactly `text` (the RRset's lines as the writer
// formats them now, `count` records): same records, same TTL, same order.
bool same_rrset_lines(const std::vector<PreviousLine>& lines, std::uint16_t type,
                      std::string_view text, std::size_t count);

// The RRSIG line over `type` (TTL `ttl`) by `key` that may be kept now (nullptr: none): the
// conditions of find_reusable, read from the text; the signature must be plain base64.
const PreviousLine* find_reusable_text(const std::vector<PreviousLine>& lines, std::uint16_t type,
                                       std::uint32_t ttl, std::string_view owner,
                                       const SigningKey& key, std::string_view signer_text,
                                       const RrsigTimes& times,
                                       std::uint32_t* expiration_out = nullptr);

}  // namespace dk::zone::sign
