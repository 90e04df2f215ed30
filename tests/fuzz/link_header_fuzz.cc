// Fuzzes the Link header parser (RFC 8288, as ACME servers send alternate chains, up and index):
// one header value per input line. Never crash; every URL is text between '<' and '>' of its
// value, every rel lower case; links(rel) gives exactly the URLs with that rel; a URL that passes
// the https check we apply before following one is an https URL of printable ASCII.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "acme/directory.h"
#include "acme/http.h"

namespace {

void check_https(const std::string& url) {
    if (!dk::acme::https_url(url)) return;
    if (!url.starts_with("https://") || url.size() > 2000) std::abort();
    for (const char c : url) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte >= 0x7f) std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 256 * 1024) return 0;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    dk::acme::HttpResponse response;
    std::vector<std::pair<std::string, std::string>> all;
    while (!input.empty()) {
        const auto end = input.find('\n');
        const std::string_view value = input.substr(0, end);
        input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
        const auto links = dk::acme::parse_link_header(value);
        std::size_t opens = 0;
        for (const char c : value) opens += c == '<' ? 1 : 0;
        if (links.size() > opens) std::abort();
        std::size_t at = 0;  // links come in the order of the value
        for (const auto& [url, rel] : links) {
            if (url.find('>') != std::string::npos) std::abort();
            at = value.find("<" + url + ">", at);
            if (at == std::string_view::npos) std::abort();
            at += url.size() + 2;
            for (const char c : rel) {
                if (c >= 'A' && c <= 'Z') std::abort();
            }
            check_https(url);
            all.emplace_back(url, rel);
        }
        response.headers.emplace_back("link", std::string(value));
        response.headers.emplace_back("location", std::string(value));  // not a Link: ignored
    }
    for (const std::string rel : {"alternate", "up", "index"}) {
        std::vector<std::string> expected;
        for (const auto& [url, r] : all) {
            if (r == rel) expected.push_back(url);
        }
        if (response.links(rel) != expected) std::abort();
    }
    return 0;
}
