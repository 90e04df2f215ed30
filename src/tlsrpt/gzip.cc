#include "tlsrpt/gzip.h"

#include <zlib.h>

#include <array>
#include <memory>

namespace dk::tlsrpt {
namespace {

// zlib's stream is a C struct with an end function: one owner ends it on every path.
struct InflateEnd {
    void operator()(z_stream* s) const { inflateEnd(s); }
};
struct DeflateEnd {
    void operator()(z_stream* s) const { deflateEnd(s); }
};

constexpr int gzip_window_bits = 15 + 16;  // 2^15 window; +16: a gzip header and trailer

}  // namespace

Result<std::string> gunzip(std::string_view compressed, std::size_t max_compressed,
                           std::size_t max_inflated) {
    if (compressed.size() > max_compressed)
        return Error::bad_input("gzip: " + std::to_string(compressed.size()) +
                                " bytes compressed, more than the limit of " +
                                std::to_string(max_compressed));
    if (!looks_gzipped(compressed)) return Error::bad_input("gzip: no gzip header");
    z_stream stream{};
    if (inflateInit2(&stream, gzip_window_bits) != Z_OK)
        return Error::environment("gzip: zlib could not start inflating");
    const std::unique_ptr<z_stream, InflateEnd> owner(&stream);
    // zlib's API is not const-correct; it only reads next_in.
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
    stream.avail_in = static_cast<uInt>(compressed.size());
    std::string out;
    std::array<char, 64 * 1024> buffer{};
    for (;;) {
        stream.next_out = reinterpret_cast<Bytef*>(buffer.data());
        stream.avail_out = static_cast<uInt>(buffer.size());
        const int rc = inflate(&stream, Z_NO_FLUSH);
        const std::size_t produced = buffer.size() - stream.avail_out;
        if (out.size() + produced > max_inflated)
            return Error::bad_input("gzip: inflates to more than the limit of " +
                                    std::to_string(max_inflated) + " bytes");
        out.append(buffer.data(), produced);
        if (rc == Z_STREAM_END) break;
        if (rc == Z_OK) continue;
        if (rc == Z_BUF_ERROR && stream.avail_in == 0) return Error::bad_input("gzip: truncated");
        const char* why = stream.msg != nullptr ? stream.msg : "corrupt data";
        return Error::bad_input(std::string("gzip: ") + why);
    }
    if (stream.avail_in != 0) return Error::bad_input("gzip: bytes after the end of the stream");
    return out;
}

std::string gzip(std::string_view bytes) {
    z_stream stream{};
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, gzip_window_bits, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        std::abort();  // only out of memory: nothing to recover
    const std::unique_ptr<z_stream, DeflateEnd> owner(&stream);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    stream.avail_in = static_cast<uInt>(bytes.size());
    std::string out(deflateBound(&stream, static_cast<uLong>(bytes.size())), '\0');
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    if (deflate(&stream, Z_FINISH) != Z_STREAM_END)
        std::abort();  // the bound was too small: our bug
    out.resize(out.size() - stream.avail_out);
    return out;
}

}  // namespace dk::tlsrpt
