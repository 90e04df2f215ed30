// The ACME transport: GET, HEAD and JOSE POST over HTTPS. The interface lets the protocol flow
// run against any server; CurlTransport is the real one (libcurl, RAII handles).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace dk::acme {

struct HttpResponse {
    long status = 0;
    std::string body;
    // Header names lower case, in arrival order; a name may repeat (Link).
    std::vector<std::pair<std::string, std::string>> headers;

    // The first value of a header, by lower-case name.
    [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
    // Every URL of a Link header (one or several, comma separated) with the given rel.
    [[nodiscard]] std::vector<std::string> links(std::string_view rel) const;
};

// Parses one Link header value: `<url>;rel="alternate", <url2>;rel=up` -> (url, rel) pairs.
std::vector<std::pair<std::string, std::string>> parse_link_header(std::string_view value);

class HttpTransport {
  public:
    virtual ~HttpTransport() = default;
    virtual Result<HttpResponse> get(const std::string& url) = 0;
    virtual Result<HttpResponse> head(const std::string& url) = 0;
    // Content-Type: application/jose+json. `accept` for the certificate download.
    virtual Result<HttpResponse> post(const std::string& url, const std::string& body,
                                      const std::string& accept) = 0;
};

struct CurlOptions {
    std::optional<std::string> ca_file;  // the ACME server's TLS trust; system store if empty
    std::chrono::seconds timeout{30};    // per request
    std::size_t max_body = std::size_t{1024} * 1024;  // certificates and JSON are small
};

// Speaks https only (curl refuses any other scheme) and follows no redirect.
class CurlTransport final : public HttpTransport {
  public:
    explicit CurlTransport(CurlOptions options) : options_(std::move(options)) {}
    Result<HttpResponse> get(const std::string& url) override;
    Result<HttpResponse> head(const std::string& url) override;
    Result<HttpResponse> post(const std::string& url, const std::string& body,
                              const std::string& accept) override;

  private:
    enum class Method { get, head, post };
    Result<HttpResponse> perform(Method method, const std::string& url, const std::string* body,
                                 const std::string& accept);
    CurlOptions options_;
};

}  // namespace dk::acme
