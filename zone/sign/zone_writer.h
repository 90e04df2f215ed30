// The signed zone as a zone file: the apex SOA first, then every owner in canonical order with
// each RRset followed by its RRSIGs, then the NSEC3 chain. (sign_to_file formats block by block
// on every core as it signs.)
#pragma once

#include <string>

#include "base/result.h"
#include "zone/sign/zone_model.h"

namespace dk::zone::sign {

void append_node_text(std::string& out, const Node& node);

// The whole text (tests and small zones).
std::string zone_text(const Zone& zone);

}  // namespace dk::zone::sign
