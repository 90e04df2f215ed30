// Fuzzes the SMTP reply and line parsers: bounded, never crash, consumed never past the input.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "probe/reply_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 256 * 1024) return 0;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto reply = dk::probe::parse_smtp_reply(bytes);
    if (reply.state == dk::probe::ParseState::complete &&
        (reply.consumed > size || reply.reply.lines.empty()))
        std::abort();
    auto line = dk::probe::parse_line(bytes);
    if (line.state == dk::probe::ParseState::complete && line.consumed > size) std::abort();
    return 0;
}
