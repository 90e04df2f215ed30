// A Pebble of the test's own, beside the testbed's: its own ports and environment (nonce
// rejection rate, alternate roots), stopped by pid when the object goes.
#pragma once

#include <sys/types.h>

#include <string>

namespace dk::testing {

struct PebbleSettings {
    std::string address;   // the testbed's Pebble address
    int port = 14100;      // ACME; management on port + 1000
    std::string tls_cert;  // the testbed's certificate for that address
    std::string tls_key;
    std::string tls_ca;      // what clients trust
    std::string dns_server;  // IP:port Pebble resolves through
    int nonce_reject_percent = 50;
    int alternate_roots = 1;
    std::string work_dir;
    std::string eab_kid;   // set: external account binding required, with this kid and key
    std::string eab_key;   // base64url
    int http_port = 5002;  // where Pebble looks for http-01 answers
};

class PebbleProcess {
  public:
    explicit PebbleProcess(PebbleSettings settings);
    ~PebbleProcess();
    PebbleProcess(const PebbleProcess&) = delete;
    PebbleProcess& operator=(const PebbleProcess&) = delete;

    [[nodiscard]] bool running() const { return ready_; }
    [[nodiscard]] std::string directory_url() const;
    // The PEM of root N from the management interface ("" on failure).
    [[nodiscard]] std::string root(int n) const;

  private:
    PebbleSettings settings_;
    pid_t pid_ = -1;
    bool ready_ = false;
};

// A plain HTTP server for a directory (python3 -m http.server) where Pebble looks for http-01
// answers; stopped by pid when the object goes.
class StaticHttpServer {
  public:
    StaticHttpServer(const std::string& address, int port, const std::string& directory,
                     const std::string& log_file);
    ~StaticHttpServer();
    StaticHttpServer(const StaticHttpServer&) = delete;
    StaticHttpServer& operator=(const StaticHttpServer&) = delete;
    [[nodiscard]] bool running() const { return ready_; }

  private:
    pid_t pid_ = -1;
    bool ready_ = false;
};

}  // namespace dk::testing
