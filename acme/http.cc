#include "acme/http.h"

#include <algorithm>
#include <cctype>

#include "acme/problem.h"
#include "base/curl_handles.h"
#include "base/strings.h"
#include "base/version.h"

namespace dk::acme {
namespace {

struct Sink {
    HttpResponse* response;
    std::size_t max_body;
    bool too_big = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const std::size_t n = size * count;
    if (sink->response->body.size() + n > sink->max_body) {
        sink->too_big = true;
        return 0;  // aborts the transfer
    }
    sink->response->body.append(data, n);
    return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const std::size_t n = size * count;
    const std::string_view line(data, n);
    if (line.starts_with("HTTP/")) {
        sink->response->headers.clear();  // a new response (after 100 Continue)
        return n;
    }
    const auto colon = line.find(':');
    if (colon != std::string_view::npos && sink->response->headers.size() < 100) {
        sink->response->headers.emplace_back(lower(std::string(trim(line.substr(0, colon)))),
                                             std::string(trim(line.substr(colon + 1))));
    }
    return n;
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (key == name) return value;
    }
    return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> parse_link_header(std::string_view value) {
    std::vector<std::pair<std::string, std::string>> out;
    while (true) {
        const auto open = value.find('<');
        const auto close = value.find('>', open == std::string_view::npos ? 0 : open);
        if (open == std::string_view::npos || close == std::string_view::npos) break;
        const std::string url(value.substr(open + 1, close - open - 1));
        value.remove_prefix(close + 1);
        // Parameters run to the next link (a ',' outside quotes).
        std::size_t end = 0;
        bool quoted = false;
        for (; end < value.size(); ++end) {
            if (value[end] == '"') quoted = !quoted;
            if (value[end] == ',' && !quoted) break;
        }
        std::string_view params = value.substr(0, end);
        std::string rel;
        for (std::size_t pos = 0; pos < params.size();) {
            auto semi = params.find(';', pos);
            if (semi == std::string_view::npos) semi = params.size();
            const auto param = trim(params.substr(pos, semi - pos));
            if (param.size() > 4 && lower(std::string(param.substr(0, 4))) == "rel=") {
                auto v = trim(param.substr(4));
                if (v.size() >= 2 && v.front() == '"' && v.back() == '"')
                    v = v.substr(1, v.size() - 2);
                rel = lower(std::string(v));
            }
            pos = semi + 1;
        }
        out.emplace_back(url, rel);
        value.remove_prefix(std::min(end, value.size()));
    }
    return out;
}

std::vector<std::string> HttpResponse::links(std::string_view rel) const {
    std::vector<std::string> out;
    for (const auto& [key, value] : headers) {
        if (key != "link") continue;
        for (const auto& [url, r] : parse_link_header(value)) {
            if (r == rel) out.push_back(url);
        }
    }
    return out;
}

Result<HttpResponse> CurlTransport::get(const std::string& url) {
    return perform(Method::get, url, nullptr, "application/json");
}
Result<HttpResponse> CurlTransport::head(const std::string& url) {
    return perform(Method::head, url, nullptr, "*/*");
}
Result<HttpResponse> CurlTransport::post(const std::string& url, const std::string& body,
                                         const std::string& accept) {
    return perform(Method::post, url, &body, accept);
}

Result<HttpResponse> CurlTransport::perform(Method method, const std::string& url,
                                            const std::string* body, const std::string& accept) {
    DK_TRY(const curl::Functions* libcurl, curl::library());
    curl::EasyPtr easy(libcurl->easy_init());
    if (!easy) return Error::environment("curl: cannot create a handle");
    HttpResponse response;
    Sink sink{&response, options_.max_body};
    curl::SlistPtr headers;
    auto add_header = [&headers, libcurl](const std::string& h) {
        curl_slist* next = libcurl->slist_append(headers.get(), h.c_str());
        if (next != nullptr) {
            (void)headers.release();
            headers.reset(next);
        }
    };
    add_header("Accept: " + accept);
    if (method == Method::post) add_header("Content-Type: application/jose+json");
    CURL* h = easy.get();
    libcurl->easy_setopt(h, CURLOPT_URL, url.c_str());
    libcurl->easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");  // every CA URL is https
    libcurl->easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);      // ACME's Location headers are data
    libcurl->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    libcurl->easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout.count()));
    libcurl->easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    const std::string agent = std::string("danekeeper/") + dk::version;
    libcurl->easy_setopt(h, CURLOPT_USERAGENT, agent.c_str());
    libcurl->easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    libcurl->easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    libcurl->easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    libcurl->easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    libcurl->easy_setopt(h, CURLOPT_HEADERDATA, &sink);
    if (options_.ca_file) libcurl->easy_setopt(h, CURLOPT_CAINFO, options_.ca_file->c_str());
    if (method == Method::head) libcurl->easy_setopt(h, CURLOPT_NOBODY, 1L);
    if (method == Method::post) {
        libcurl->easy_setopt(h, CURLOPT_POSTFIELDS, body->data());
        libcurl->easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    }
    const CURLcode rc = libcurl->easy_perform(h);
    if (sink.too_big)
        return Error::environment(printable_text(url, 200) + ": answer over " +
                                  std::to_string(options_.max_body) + " bytes");
    if (rc != CURLE_OK)
        return Error::environment(printable_text(url, 200) + ": " + libcurl->easy_strerror(rc));
    libcurl->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

}  // namespace dk::acme
