#include "service/tlsrpt/https_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <vector>

#include "base/log.h"
#include "base/openssl_error.h"
#include "base/strings.h"
#include "service/metrics/http.h"
#include "service/tlsrpt/intake.h"
#include "tlsrpt/gzip.h"

namespace dk::service {
namespace {

using Clock = std::chrono::steady_clock;
// After the answer: how long what the client still sends is read and dropped (a client still
// sending the body of a refused request would otherwise get a reset instead of the answer).
constexpr std::chrono::milliseconds kLinger{2000};

TlsrptPostCheck refuse(int status, std::string why) {
    TlsrptPostCheck c;
    c.status = status;
    c.why = std::move(why);
    return c;
}

// "application/tlsrpt+gzip; charset=x" -> "application/tlsrpt+gzip".
std::string media_type(const std::string& value) {
    return lower(std::string(trim(std::string_view(value).substr(0, value.find(';')))));
}

std::optional<std::size_t> content_length(const std::string& value) {
    if (value.empty() || value.size() > 18 ||
        !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    return static_cast<std::size_t>(std::stoull(value));
}

Result<ossl::SslCtxPtr> server_context(const TlsrptReceiverOptions& o) {
    ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
    if (!ctx) return ossl::error_from_queue(ErrorKind::environment, "tlsrpt https: SSL_CTX_new");
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    SSL_CTX_set_mode(ctx.get(),
                     SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (SSL_CTX_use_certificate_chain_file(ctx.get(), o.cert_file.c_str()) != 1)
        return ossl::error_from_queue(ErrorKind::bad_input,
                                      "tlsrpt.https_cert_file " + o.cert_file);
    if (SSL_CTX_use_PrivateKey_file(ctx.get(), o.key_file.c_str(), SSL_FILETYPE_PEM) != 1)
        return ossl::error_from_queue(ErrorKind::bad_input, "tlsrpt.https_key_file " + o.key_file);
    if (SSL_CTX_check_private_key(ctx.get()) != 1)
        return ossl::error_from_queue(ErrorKind::bad_input,
                                      "tlsrpt.https_key_file does not match https_cert_file");
    return ctx;
}

std::string peer_of(int fd) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "?";
    char text[INET6_ADDRSTRLEN] = {};
    const void* ip =
        addr.ss_family == AF_INET
            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(&addr)->sin_addr)
            : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(&addr)->sin6_addr);
    return ::inet_ntop(addr.ss_family, ip, text, sizeof text) ? text : "?";
}

}  // namespace

TlsrptPostCheck check_tlsrpt_post(const HttpRequestHead& head, std::string_view path,
                                  std::size_t max_body_bytes) {
    if (head.target != path) return refuse(404, "not found");
    if (head.method != "POST") return refuse(405, "only POST");
    auto type = head.header("content-type");
    auto length = head.header("content-length");
    auto coding = head.header("transfer-encoding");
    auto expect = head.header("expect");
    for (const auto* h : {&type, &length, &coding, &expect})
        if (!h->ok()) return refuse(400, h->error().message);
    if (*coding) return refuse(411, "send the report with Content-Length, not Transfer-Encoding");
    if (!*type) return refuse(415, "no Content-Type");
    const std::string media = media_type(**type);
    if (media != "application/tlsrpt+gzip" && media != "application/tlsrpt+json")
        return refuse(415, "Content-Type " + printable(media) +
                               ": application/tlsrpt+gzip or application/tlsrpt+json only");
    if (!*length) return refuse(411, "no Content-Length");
    const auto bytes = content_length(**length);
    if (!bytes) return refuse(400, "Content-Length is not a number");
    if (*bytes > max_body_bytes)
        return refuse(413, "a report of " + std::to_string(*bytes) + " bytes; at most " +
                               std::to_string(max_body_bytes));
    if (*bytes == 0) return refuse(400, "an empty body");
    TlsrptPostCheck c;
    c.body_bytes = *bytes;
    c.gzip = media == "application/tlsrpt+gzip";
    c.expects_continue = *expect && iequals(**expect, "100-continue");
    return c;
}

std::string answer_tlsrpt_post(db::Store& store, const TlsrptPostCheck& check,
                               std::string_view body, TimePoint now, const std::string& source) {
    const auto text = [](int status, const std::string& why) {
        return http_response(status, "text/plain", why + "\n");
    };
    if (check.gzip != tlsrpt::looks_gzipped(body))
        return text(400, check.gzip ? "the body of application/tlsrpt+gzip is not gzip"
                                    : "the body of application/tlsrpt+json is gzip");
    auto intake = take_in_report(store, body, source, now);
    if (!intake.ok()) {
        const bool bad = intake.error().kind == ErrorKind::bad_input;
        log::warn(bad ? "tlsrpt.https_refused" : "tlsrpt.https_store_failed",
                  {{"source", source}, {"error", intake.error().message}});
        return text(bad ? 400 : 503, bad ? intake.error().message : "the store failed; send again");
    }
    log_intake(*intake, source);
    return text(intake->stored ? 201 : 200, intake->stored ? "stored" : "stored before");
}

struct TlsrptReceiver::Connection {
    UniqueFd fd;
    ossl::SslPtr ssl;
    std::string peer;
    Clock::time_point accepted;
    Clock::time_point last_progress;
    enum class Phase { handshake, reading, writing, lingering } phase = Phase::handshake;
    Clock::time_point linger_until;
    bool head_read = false;
    TlsrptPostCheck check;
    std::string in;
    std::string out;
    std::size_t sent = 0;
    bool read_after_write = false;  // the 100 Continue sent, the body comes next
    bool want_write = false;
    bool done = false;
};

Result<std::unique_ptr<TlsrptReceiver>> TlsrptReceiver::start(TlsrptReceiverOptions options) {
    DK_TRY(ossl::SslCtxPtr ctx, server_context(options));
    DK_TRY(db::Store store, db::Store::open(options.state_db));
    DK_TRY(UniqueFd fd, listening_socket(options.listen, "tlsrpt https"));
    DK_TRY(UniqueFd stop, stop_eventfd());
    std::unique_ptr<TlsrptReceiver> r(new TlsrptReceiver(
        std::move(options), std::move(fd), std::move(stop), std::move(ctx), std::move(store)));
    r->thread_ = std::thread([p = r.get()] { p->serve(); });
    log::info("tlsrpt.https_listening",
              {{"listen", r->options_.listen.to_string()}, {"path", r->options_.path}});
    return r;
}

TlsrptReceiver::~TlsrptReceiver() {
    stop_ = true;
    const std::uint64_t one = 1;
    // The serving thread may sleep in poll with no timeout: wake it.
    if (::write(stop_fd_.get(), &one, sizeof one) != sizeof one) std::abort();
    if (thread_.joinable()) thread_.join();
}

// When a connection is given up: its linger ends, or the first of its deadlines.
Clock::time_point TlsrptReceiver::deadline_of(const Connection& c) const {
    if (c.phase == Connection::Phase::lingering) return c.linger_until;
    Clock::time_point at =
        std::min(c.accepted + options_.request_deadline, c.last_progress + options_.idle_deadline);
    if (!c.head_read) at = std::min(at, c.accepted + options_.head_deadline);
    return at;
}

// One thread, every connection in one poll. With nobody connected it sleeps until a client or
// the stop comes: an idle daemon makes no wake-ups.
void TlsrptReceiver::serve() {
    std::vector<Connection> conns;
    while (!stop_) {
        const auto now = Clock::now();
        std::erase_if(conns, [&](const Connection& c) { return c.done || now >= deadline_of(c); });
        int timeout_ms = -1;
        for (const auto& c : conns) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline_of(c) - now);
            const int ms = static_cast<int>(std::max(left.count(), 1L));
            timeout_ms = timeout_ms < 0 ? ms : std::min(timeout_ms, ms);
        }
        std::vector<pollfd> fds{{stop_fd_.get(), POLLIN, 0}, {fd_.get(), POLLIN, 0}};
        for (const auto& c : conns)
            fds.push_back({c.fd.get(), static_cast<short>(c.want_write ? POLLOUT : POLLIN), 0});
        const int ready = ::poll(fds.data(), fds.size(), timeout_ms);
        ++wakeups_;
        if (ready <= 0 || stop_) continue;
        for (std::size_t i = 0; i < conns.size(); ++i)
            if (fds[i + 2].revents != 0) step(conns[i]);
        if ((fds[1].revents & POLLIN) == 0) continue;
        UniqueFd fd(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
        // Over the cap the connection is closed right here, unanswered.
        if (fd.get() < 0 || conns.size() >= options_.max_connections) continue;
        ossl::SslPtr ssl(SSL_new(ctx_.get()));
        if (!ssl || SSL_set_fd(ssl.get(), fd.get()) != 1) continue;
        SSL_set_accept_state(ssl.get());
        Connection c;
        c.peer = peer_of(fd.get());
        c.fd = std::move(fd);
        c.ssl = std::move(ssl);
        c.accepted = c.last_progress = Clock::now();
        conns.push_back(std::move(c));
    }
}

void TlsrptReceiver::reply(Connection& c, std::string response) {
    c.out = std::move(response);
    c.sent = 0;
    c.phase = Connection::Phase::writing;
}

// After more bytes arrived: the head read and judged, then the body stored and answered.
void TlsrptReceiver::consume(Connection& c) {
    if (!c.head_read) {
        const auto end = http_head_end(c.in);
        if (!end) {
            if (c.in.size() > http_max_head)
                reply(c, http_response(431, "text/plain", "request head too large\n"));
            return;
        }
        auto head = parse_http_head(std::string_view(c.in).substr(0, *end - 4));
        c.check = head.ok() ? check_tlsrpt_post(*head, options_.path, options_.max_body_bytes)
                            : refuse(400, head.error().message);
        c.head_read = true;
        c.in.erase(0, *end);
        if (c.check.status != 0) {
            log::info("tlsrpt.https_refused",
                      {{"peer", c.peer}, {"status", c.check.status}, {"why", c.check.why}});
            std::string extra = c.check.status == 405 ? "Allow: POST\r\n" : "";
            reply(c, http_response(c.check.status, "text/plain", c.check.why + "\n", extra));
            return;
        }
        if (c.check.expects_continue && c.in.empty()) {
            c.read_after_write = true;
            reply(c, "HTTP/1.1 100 Continue\r\n\r\n");
            return;
        }
    }
    if (c.in.size() < c.check.body_bytes) return;
    const std::string_view body = std::string_view(c.in).substr(0, c.check.body_bytes);
    reply(c, answer_tlsrpt_post(store_, c.check, body, std::chrono::system_clock::now(),
                                "https:" + c.peer));
}

// Moves the connection on as far as it can without blocking.
void TlsrptReceiver::step(Connection& c) {
    const auto retry = [&](int r) {
        const int e = SSL_get_error(c.ssl.get(), r);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            c.want_write = e == SSL_ERROR_WANT_WRITE;
            return true;
        }
        ERR_clear_error();
        c.done = true;
        return false;
    };
    while (!c.done) {
        if (c.phase == Connection::Phase::handshake) {
            const int r = SSL_do_handshake(c.ssl.get());
            if (r != 1) {
                retry(r);
                return;
            }
            c.phase = Connection::Phase::reading;
        } else if (c.phase == Connection::Phase::reading) {
            char buf[16384];
            const int r = SSL_read(c.ssl.get(), buf, sizeof buf);
            if (r <= 0) {
                retry(r);
                return;
            }
            c.in.append(buf, static_cast<std::size_t>(r));
            consume(c);
        } else if (c.phase == Connection::Phase::writing) {
            const int r = SSL_write(c.ssl.get(), c.out.data() + c.sent,
                                    static_cast<int>(c.out.size() - c.sent));
            if (r <= 0) {
                retry(r);
                return;
            }
            c.sent += static_cast<std::size_t>(r);
            if (c.sent < c.out.size()) continue;
            if (c.read_after_write) {
                c.read_after_write = false;
                c.phase = Connection::Phase::reading;
                c.want_write = false;
                continue;
            }
            SSL_shutdown(c.ssl.get());  // our close_notify; the client's is not waited for
            ::shutdown(c.fd.get(), SHUT_WR);
            c.phase = Connection::Phase::lingering;
            c.want_write = false;
            c.linger_until = Clock::now() + kLinger;
        } else {
            char drop[16384];
            const ssize_t n = ::recv(c.fd.get(), drop, sizeof drop, 0);
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
            if (n <= 0) c.done = true;
        }
        c.last_progress = Clock::now();
    }
}

}  // namespace dk::service
