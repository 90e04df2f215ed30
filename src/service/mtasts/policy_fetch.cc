#include "service/mtasts/policy_fetch.h"

#include "base/curl_handles.h"
#include "base/strings.h"
#include "mtasts/policy.h"

namespace dk::service {
namespace {

struct Sink {
    std::string body;
    bool too_large = false;
};

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
    auto& sink = *static_cast<Sink*>(user);
    const std::size_t n = size * count;
    if (sink.body.size() + n > mtasts::max_policy_bytes) {
        sink.too_large = true;
        return 0;  // aborts the transfer
    }
    sink.body.append(data, n);
    return n;
}

bool certificate_error(CURLcode code) {
    return code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE ||
           code == CURLE_SSL_CERTPROBLEM || code == CURLE_SSL_ISSUER_ERROR;
}

}  // namespace

bool text_plain(std::string_view content_type) {
    const std::string_view media = trim(content_type.substr(0, content_type.find(';')));
    return iequals(media, "text/plain");
}

Result<FetchedPolicy> fetch_policy(const std::string& domain, const std::string& address,
                                   const PolicyFetchOptions& options) {
    FetchedPolicy out;
    const std::string host = "mta-sts." + relative_name(lower(domain));
    out.url = "https://" + host + "/.well-known/mta-sts.txt";
    out.address = address;
    const std::string where = out.url + " at " + address;
    DK_TRY(const curl::Functions* libcurl, curl::library());
    curl::EasyPtr easy(libcurl->easy_init());
    if (!easy) return Error::environment("curl: out of memory");
    const std::string bracketed =
        address.find(':') != std::string::npos ? "[" + address + "]" : address;
    curl::SlistPtr resolve(libcurl->slist_append(
        nullptr, (host + ":" + std::to_string(options.port) + ":" + bracketed).c_str()));
    if (!resolve) return Error::environment("curl: out of memory");
    const std::string url =
        options.port == 443
            ? out.url
            : "https://" + host + ":" + std::to_string(options.port) + "/.well-known/mta-sts.txt";
    Sink sink;
    char error[CURL_ERROR_SIZE] = {0};
    CURL* c = easy.get();
    libcurl->easy_setopt(c, CURLOPT_URL, url.c_str());
    libcurl->easy_setopt(c, CURLOPT_RESOLVE, resolve.get());
    libcurl->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
    libcurl->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // section 3.3: never follow a redirect
    libcurl->easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    libcurl->easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (options.ca_bundle) {
        libcurl->easy_setopt(c, CURLOPT_CAINFO, options.ca_bundle->c_str());
        libcurl->easy_setopt(c, CURLOPT_CAPATH, nullptr);
    }
    libcurl->easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
    libcurl->easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.timeout.count()));
    libcurl->easy_setopt(c, CURLOPT_MAXFILESIZE, static_cast<long>(mtasts::max_policy_bytes));
    libcurl->easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    libcurl->easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    libcurl->easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    libcurl->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    libcurl->easy_setopt(c, CURLOPT_USERAGENT, "danekeeper mta-sts check");
    const CURLcode code = libcurl->easy_perform(c);
    if (sink.too_large || code == CURLE_FILESIZE_EXCEEDED)
        return Error::check_failed(where + ": the policy is larger than 64 KiB");
    if (certificate_error(code))
        return Error::check_failed(where + ": the certificate is not valid for " + host +
                                   " under the WebPKI roots: " + printable(error));
    if (code != CURLE_OK)
        return Error::environment(where + ": " +
                                  printable(error[0] ? error : libcurl->easy_strerror(code)));
    libcurl->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
    const char* type = nullptr;
    libcurl->easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
    out.content_type = type != nullptr ? printable(type) : "";
    if (out.status != 200)
        return Error::check_failed(where + ": HTTP " + std::to_string(out.status) +
                                   " (senders take only 200 and follow no redirect)");
    if (!text_plain(out.content_type))
        return Error::check_failed(where + ": Content-Type is '" + out.content_type +
                                   "', senders require text/plain");
    out.body = std::move(sink.body);
    return out;
}

}  // namespace dk::service
