// SMTP TLS reports by HTTPS POST (RFC 8460 section 3): a listener of the daemon, with TLS from
// its own certificate and key, that takes `application/tlsrpt+gzip` and `application/tlsrpt+json`
// bodies POSTed to one path and stores them as the Maildir intake does (once per organization and
// report-id). Everything a client sends is bounded: the head (http_max_head), the body
// (max_body_bytes, announced by Content-Length), the time to shake hands and send the head, the
// time between two reads or writes, the whole exchange, and the number of connections.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "base/clock.h"
#include "base/endpoint.h"
#include "base/openssl_handles.h"
#include "base/result.h"
#include "base/unique_fd.h"
#include "db/store.h"
#include "service/metrics/http.h"

namespace dk::service {

struct TlsrptReceiverOptions {
    HostPort listen;
    std::string cert_file;  // PEM chain, leaf first
    std::string key_file;   // PEM
    std::string path = "/tlsrpt";
    std::size_t max_body_bytes = std::size_t{4} << 20;
    std::size_t max_connections = 16;
    std::string state_db;  // the receiver's own connection to the daemon's state.db
    std::chrono::milliseconds head_deadline{10'000};     // handshake and head, from accept
    std::chrono::milliseconds idle_deadline{10'000};     // between two reads or writes
    std::chrono::milliseconds request_deadline{60'000};  // the whole exchange
};

// Pure: what a request head asks of us: an answer now (status, with why), or a body of
// body_bytes to read (status 0).
struct TlsrptPostCheck {
    int status = 0;
    std::string why;
    std::size_t body_bytes = 0;
    bool gzip = false;              // application/tlsrpt+gzip (else +json)
    bool expects_continue = false;  // Expect: 100-continue
};
TlsrptPostCheck check_tlsrpt_post(const HttpRequestHead& head, std::string_view path,
                                  std::size_t max_body_bytes);

// Stores the body the check let through and returns the whole response: 201 stored, 200 stored
// before, 400 a report that does not parse (or a body that is not of its type: nothing stored),
// 503 when the store fails.
std::string answer_tlsrpt_post(db::Store& store, const TlsrptPostCheck& check,
                               std::string_view body, TimePoint now, const std::string& source);

class TlsrptReceiver {
  public:
    // Loads the certificate and key and binds: every failure here is the daemon's start failing.
    static Result<std::unique_ptr<TlsrptReceiver>> start(TlsrptReceiverOptions options);
    ~TlsrptReceiver();  // stops: returns at once, whatever the clients do
    TlsrptReceiver(const TlsrptReceiver&) = delete;
    TlsrptReceiver& operator=(const TlsrptReceiver&) = delete;
    [[nodiscard]] const TlsrptReceiverOptions& options() const { return options_; }
    // How often the serving thread has woken: a client, a deadline, the stop; never by itself.
    [[nodiscard]] std::uint64_t wakeups() const { return wakeups_; }

  private:
    TlsrptReceiver(TlsrptReceiverOptions options, UniqueFd fd, UniqueFd stop_fd,
                   ossl::SslCtxPtr ctx, db::Store store)
        : options_(std::move(options)),
          fd_(std::move(fd)),
          stop_fd_(std::move(stop_fd)),
          ctx_(std::move(ctx)),
          store_(std::move(store)) {}
    struct Connection;
    void serve();
    [[nodiscard]] std::chrono::steady_clock::time_point deadline_of(const Connection& c) const;
    void step(Connection& c);
    void consume(Connection& c);
    void reply(Connection& c, std::string response);
    TlsrptReceiverOptions options_;
    UniqueFd fd_;
    UniqueFd stop_fd_;  // an eventfd the destructor writes to wake the serving thread
    ossl::SslCtxPtr ctx_;
    db::Store store_;
    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> wakeups_{0};
    std::thread thread_;
};

}  // namespace dk::service
