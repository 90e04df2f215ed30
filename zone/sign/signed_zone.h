// Reading back a signed zone (our own output, or any signed zone file): RRSIGs are attached to
// the RRsets they cover and NSEC3 owners set apart, so the next signing can keep what is valid.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "zone/sign/zone_model.h"
#include "zone/sign/zone_reader.h"

namespace dk::zone::sign {

// Groups the records of a signed zone into a Zone as the signer makes them.
Zone signed_zone_from(WireName origin, std::vector<Record> records);

Result<Zone> read_signed_zone_file(const std::string& path, const ReadOptions& options);

}  // namespace dk::zone::sign
