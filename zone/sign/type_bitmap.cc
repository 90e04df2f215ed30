#include "zone/sign/type_bitmap.h"

namespace dk::zone::sign {

std::string encode_type_bitmap(const std::vector<std::uint16_t>& types) {
    std::string out;
    append_type_bitmap(out, types);
    return out;
}

void append_type_bitmap(std::string& out, const std::vector<std::uint16_t>& types) {
    std::size_t i = 0;
    while (i < types.size()) {
        const unsigned window = types[i] >> 8;
        unsigned char bits[32] = {};
        unsigned used = 0;
        for (; i < types.size() && (types[i] >> 8) == window; ++i) {
            const unsigned low = types[i] & 0xff;
            bits[low / 8] = static_cast<unsigned char>(bits[low / 8] | (0x80 >> (low % 8)));
            used = low / 8 + 1;
        }
        out.push_back(static_cast<char>(window));
        out.push_back(static_cast<char>(used));
        out.append(reinterpret_cast<const char*>(bits), used);
    }
}

std::vector<std::uint16_t> decode_type_bitmap(std::string_view bitmap) {
    std::vector<std::uint16_t> types;
    decode_type_bitmap(bitmap, types);
    return types;
}

bool decode_type_bitmap(std::string_view bitmap, std::vector<std::uint16_t>& types) {
    types.clear();
    std::size_t pos = 0;
    while (pos + 2 <= bitmap.size()) {
        const unsigned window = static_cast<unsigned char>(bitmap[pos]);
        const unsigned len = static_cast<unsigned char>(bitmap[pos + 1]);
        if (len == 0 || len > 32 || pos + 2 + len > bitmap.size()) {
            types.clear();
            return false;
        }
        for (unsigned b = 0; b < len; ++b) {
            const unsigned char byte = static_cast<unsigned char>(bitmap[pos + 2 + b]);
            for (unsigned bit = 0; bit < 8; ++bit) {
                if ((byte & (0x80 >> bit)) != 0)
                    types.push_back(static_cast<std::uint16_t>(window * 256 + b * 8 + bit));
            }
        }
        pos += 2 + len;
    }
    if (pos != bitmap.size()) {
        types.clear();
        return false;
    }
    return true;
}

}  // namespace dk::zone::sign
