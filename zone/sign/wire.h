// Big-endian integers in wire data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dk::zone::sign {

inline std::uint16_t get16(std::string_view d, std::size_t pos) {
    return static_cast<std::uint16_t>((static_cast<unsigned char>(d[pos]) << 8) |
                                      static_cast<unsigned char>(d[pos + 1]));
}

inline std::uint32_t get32(std::string_view d, std::size_t pos) {
    return (static_cast<std::uint32_t>(get16(d, pos)) << 16) | get16(d, pos + 2);
}

inline void put16(std::string& out, std::uint16_t v) {
    out.push_back(static_cast<char>(v >> 8));
    out.push_back(static_cast<char>(v & 0xff));
}

inline void put32(std::string& out, std::uint32_t v) {
    put16(out, static_cast<std::uint16_t>(v >> 16));
    put16(out, static_cast<std::uint16_t>(v & 0xffff));
}

inline void set32(std::string& out, std::size_t pos, std::uint32_t v) {
    out[pos] = static_cast<char>(v >> 24);
    out[pos + 1] = static_cast<char>((v >> 16) & 0xff);
    out[pos + 2] = static_cast<char>((v >> 8) & 0xff);
    out[pos + 3] = static_cast<char>(v & 0xff);
}

}  // namespace dk::zone::sign
