// In-process fake mail servers on 127.0.0.1 for the prober's component tests: each serves one
// connection from a thread, following a script that can misbehave on purpose.
#pragma once

#include <functional>
#include <string>
#include <thread>

#include "base/hex.h"
#include "base/openssl_handles.h"
#include "cert/keys.h"

namespace dk::probe::testing {

struct TestIdentity {
    ossl::EvpPkeyPtr key;
    ossl::X509Ptr cert;
    Bytes spki_sha256;
};
TestIdentity make_identity(const std::string& name,
                           cert::KeyAlgorithm algorithm = cert::KeyAlgorithm::ecdsa_p256);

class FakeServer {
  public:
    // `script` gets the accepted socket; it returns when the conversation is over. The server
    // takes `connections` clients one after the other.
    explicit FakeServer(std::function<void(int fd)> script, int connections = 1);
    FakeServer(const FakeServer&) = delete;
    FakeServer& operator=(const FakeServer&) = delete;
    ~FakeServer();
    [[nodiscard]] std::uint16_t port() const { return port_; }

  private:
    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::thread thread_;
};

void send_text(int fd, const std::string& text);
std::string read_line(int fd);  // up to CRLF, or what came before the peer closed
// Runs a TLS server handshake on fd with the identity and keeps the session until the client
// closes.
void serve_tls(int fd, const TestIdentity& identity);
// The same with two chains of different key types (RSA and ECDSA): OpenSSL picks the one the
// client's signature algorithms and cipher suites allow, as Postfix and Dovecot do.
void serve_tls_pair(int fd, const TestIdentity& first, const TestIdentity& second);

}  // namespace dk::probe::testing
