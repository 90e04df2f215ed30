// Domain names in uncompressed wire format, lower case (the canonical form of RFC 4034 6.2), and
// the canonical name order of RFC 4034 6.1 as a byte string that memcmp orders.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dk::zone::sign {

// A name as wire bytes: length-prefixed labels ending with the root label (a zero byte).
using WireName = std::string;

// Lower-cases ASCII letters in every label (RFC 4034 6.2).
void lowercase_name(WireName& name);

// RFC 4034 6.1 order as bytes: labels from the root down, each byte b written as b+1 (0x00 and
// 0x01 escaped as 0x01 0x01 / 0x01 0x02), each label ended by 0x00. memcmp on two keys gives
// the canonical order of the names (a label is before every longer label it is a prefix of).
std::string canonical_key(std::string_view wire);
void append_canonical_key(std::string& out, std::string_view wire);

// <0, 0, >0 as in RFC 4034 6.1, straight from wire names (no key needed).
int compare_names(std::string_view a, std::string_view b);

// Labels without the root; the RRSIG Labels field also leaves out a leading "*" (RFC 4034 3.1.3).
unsigned label_count(std::string_view wire);
unsigned rrsig_label_count(std::string_view wire);

// True when `name` equals `ancestor` or is below it.
bool is_at_or_below(std::string_view name, std::string_view ancestor);

// The name without its first label ("a.b." -> "b."); the root stays the root.
std::string_view parent_of(std::string_view wire);

// Presentation format with the trailing dot; special and non-printable bytes escaped.
std::string name_to_text(std::string_view wire);
void append_name_text(std::string& out, std::string_view wire);

// Length of the wire name at the start of `data`, or 0 when it is not one.
std::size_t wire_name_length(std::string_view data);

// "label" + parent: prepends one label (at most 63 bytes).
WireName prepend_label(std::string_view label, std::string_view parent);

}  // namespace dk::zone::sign
