#include "fake_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cert/keys.h"
#include "cert/tlsa_data.h"

namespace dk::probe::testing {
namespace {
// The program ignores SIGPIPE in main(); the test binary must too (TLS writes to closed peers).
const bool sigpipe_ignored = [] {
    ::signal(SIGPIPE, SIG_IGN);
    return true;
}();
}  // namespace

TestIdentity make_identity(const std::string& name, cert::KeyAlgorithm algorithm) {
    TestIdentity id;
    id.key = std::move(cert::generate_key(algorithm).value());
    id.cert.reset(X509_new());
    X509_set_version(id.cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(id.cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(id.cert.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(id.cert.get()), 86400);
    X509_set_pubkey(id.cert.get(), id.key.get());
    X509_NAME* subject = X509_get_subject_name(id.cert.get());
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
    X509_set_issuer_name(id.cert.get(), subject);
    X509_sign(id.cert.get(), id.key.get(), EVP_sha256());
    id.spki_sha256 = cert::spki_sha256(*id.key).value();
    return id;
}

FakeServer::FakeServer(std::function<void(int fd)> script, int connections) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listener_, 4);
    socklen_t len = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this, connections, script = std::move(script)] {
        for (int i = 0; i < connections; ++i) {
            const int fd = ::accept(listener_, nullptr, nullptr);
            if (fd < 0) return;
            script(fd);
            ::close(fd);
        }
    });
}

FakeServer::~FakeServer() {
    ::shutdown(listener_, SHUT_RDWR);  // wakes an accept that never got a client
    if (thread_.joinable()) thread_.join();
    ::close(listener_);
}

void send_text(int fd, const std::string& text) {
    std::size_t sent = 0;
    while (sent < text.size()) {
        const ssize_t n = ::send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return;
        sent += static_cast<std::size_t>(n);
    }
}

std::string read_line(int fd) {
    std::string line;
    char c = 0;
    while (::recv(fd, &c, 1, 0) == 1) {
        line += c;
        if (c == '\n') break;
    }
    return line;
}

namespace {
void serve_with(int fd, SSL_CTX* ctx) {
    ossl::SslPtr ssl(SSL_new(ctx));
    SSL_set_fd(ssl.get(), fd);
    if (SSL_accept(ssl.get()) == 1) {
        char buf[256];
        while (SSL_read(ssl.get(), buf, sizeof buf) > 0) {
        }
    }
}
}  // namespace

void serve_tls(int fd, const TestIdentity& identity) {
    ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
    SSL_CTX_use_certificate(ctx.get(), identity.cert.get());
    SSL_CTX_use_PrivateKey(ctx.get(), identity.key.get());
    serve_with(fd, ctx.get());
}

void serve_tls_pair(int fd, const TestIdentity& first, const TestIdentity& second) {
    ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
    for (const TestIdentity* id : {&first, &second}) {
        SSL_CTX_use_certificate(ctx.get(), id->cert.get());
        SSL_CTX_use_PrivateKey(ctx.get(), id->key.get());
    }
    serve_with(fd, ctx.get());
}

}  // namespace dk::probe::testing
