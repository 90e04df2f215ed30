#include "service/metrics/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/strings.h"

namespace dk::service {
namespace {

// RFC 9110 token characters (methods, header names).
bool token(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    });
}

// Visible ASCII, space and tab: what a field value or request target may hold here.
bool field_text(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u >= 0x20 && u < 0x7f) || c == '\t';
    });
}

Result<HttpRequestHead> parse_request_line(std::string_view line) {
    const std::size_t first = line.find(' ');
    const std::size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
    if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos)
        return Error::bad_input("the request line is not METHOD TARGET VERSION");
    HttpRequestHead head;
    head.method = std::string(line.substr(0, first));
    head.target = std::string(line.substr(first + 1, second - first - 1));
    head.version = std::string(line.substr(second + 1));
    if (!token(head.method)) return Error::bad_input("the method is not a token");
    if (head.target.empty() || !field_text(head.target) ||
        head.target.find_first_of(" \t") != std::string::npos)
        return Error::bad_input("bad request target");
    if (head.version != "HTTP/1.1" && head.version != "HTTP/1.0")
        return Error::bad_input("not HTTP/1.1 or HTTP/1.0");
    return head;
}

}  // namespace

Result<UniqueFd> stop_eventfd() {
    UniqueFd fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (fd.get() < 0) return Error::environment(std::string("eventfd: ") + std::strerror(errno));
    return fd;
}

Result<UniqueFd> listening_socket(const HostPort& listen, std::string_view what) {
    sockaddr_storage addr{};
    socklen_t len = 0;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
    if (::inet_pton(AF_INET, listen.host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(listen.port);
        len = sizeof *v4;
    } else if (::inet_pton(AF_INET6, listen.host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(listen.port);
        len = sizeof *v6;
    } else {
        return Error::bad_input(std::string(what) + " listen address " + listen.host +
                                " is not an IP");
    }
    UniqueFd fd(::socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) return Error::environment(std::string("socket: ") + std::strerror(errno));
    const int on = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(fd.get(), 16) != 0) {
        return Error::environment(std::string(what) + " listener " + listen.to_string() + ": " +
                                  std::strerror(errno));
    }
    return fd;
}

std::optional<std::size_t> http_head_end(std::string_view received) {
    const std::size_t at = received.find("\r\n\r\n");
    if (at == std::string_view::npos) return std::nullopt;
    return at + 4;
}

Result<std::optional<std::string>> HttpRequestHead::header(std::string_view name) const {
    std::optional<std::string> found;
    for (const auto& [key, value] : headers) {
        if (key != name) continue;
        if (found) return Error::bad_input("header " + std::string(name) + " given twice");
        found = value;
    }
    return found;
}

Result<HttpRequestHead> parse_http_head(std::string_view head) {
    if (head.size() > http_max_head)
        return Error::bad_input("request head longer than " + std::to_string(http_max_head));
    std::size_t end = head.find("\r\n");
    DK_TRY(HttpRequestHead out, parse_request_line(head.substr(0, end)));
    while (end != std::string_view::npos) {
        const std::size_t start = end + 2;
        end = head.find("\r\n", start);
        const std::string_view line = head.substr(start, end - start);
        if (line.empty()) {
            if (end == std::string_view::npos) break;  // a trailing CRLF
            return Error::bad_input("an empty line inside the head");
        }
        if (line.front() == ' ' || line.front() == '\t')
            return Error::bad_input("obsolete line folding");
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || !token(line.substr(0, colon)))
            return Error::bad_input("a header line is not NAME: VALUE");
        const std::string_view value = trim(line.substr(colon + 1));
        if (!field_text(value)) return Error::bad_input("a header value holds a control byte");
        if (out.headers.size() == http_max_headers)
            return Error::bad_input("more than " + std::to_string(http_max_headers) + " headers");
        out.headers.emplace_back(lower(std::string(line.substr(0, colon))), std::string(value));
    }
    return out;
}

std::string_view http_reason(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 400:
            return "Bad Request";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 411:
            return "Length Required";
        case 413:
            return "Content Too Large";
        case 415:
            return "Unsupported Media Type";
        case 431:
            return "Request Header Fields Too Large";
        case 501:
            return "Not Implemented";
        case 503:
            return "Service Unavailable";
        default:
            return "Internal Server Error";
    }
}

std::string http_response(int status, std::string_view content_type, std::string_view body,
                          std::string_view extra) {
    return "HTTP/1.1 " + std::to_string(status) + " " + std::string(http_reason(status)) +
           "\r\nContent-Type: " + std::string(content_type) +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n" +
           std::string(extra) + "\r\n" + std::string(body);
}

}  // namespace dk::service
