#include "pebble_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <thread>
#include <vector>

#include "acme/http.h"

namespace dk::testing {
namespace {

pid_t spawn(std::vector<std::string> argv_text, std::vector<std::string> env_text,
            const std::string& log) {
    std::vector<char*> argv, env;
    for (auto& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env_text) env.push_back(e.data());
    env.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0 ? pid : -1;
}

void stop(pid_t pid) {
    if (pid <= 0) return;
    ::kill(pid, SIGTERM);
    int status = 0;
    for (int i = 0; i < 50; ++i) {
        if (::waitpid(pid, &status, WNOHANG) == pid) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
}

// Polls `url` until it answers 200 (up to 10 s).
bool answers(const std::string& url, const std::optional<std::string>& ca) {
    acme::CurlTransport http({ca, std::chrono::seconds(2)});
    for (int i = 0; i < 100; ++i) {
        auto r = http.get(url);
        if (r.ok() && r->status == 200) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

// Polls until something accepts TCP connections on address:port (up to 10 s): the plain web
// server, which the https-only ACME transport does not speak to.
bool listens(const std::string& address, int port) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::inet_pton(AF_INET, address.c_str(), &to.sin_addr) != 1) return false;
    for (int i = 0; i < 100; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const bool connected =
            fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0;
        if (fd >= 0) ::close(fd);
        if (connected) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

}  // namespace

PebbleProcess::PebbleProcess(PebbleSettings settings) : settings_(std::move(settings)) {
    const std::string config = settings_.work_dir + "/pebble.json";
    {
        std::ofstream out(config);
        out << R"({"pebble": {"listenAddress": ")" << settings_.address << ":" << settings_.port
            << R"(", "managementListenAddress": ")" << settings_.address << ":"
            << settings_.port + 1000 << R"(", "certificate": ")" << settings_.tls_cert
            << R"(", "privateKey": ")" << settings_.tls_key << R"(", "httpPort": )"
            << settings_.http_port << R"(, "tlsPort": 5001, "ocspResponderURL": "",)";
        if (settings_.eab_kid.empty()) {
            out << R"( "externalAccountBindingRequired": false}})";
        } else {
            out << R"( "externalAccountBindingRequired": true, "externalAccountMACKeys": {")"
                << settings_.eab_kid << R"(": ")" << settings_.eab_key << R"("}}})";
        }
    }
    pid_ = spawn({"/usr/bin/pebble", "-config", config, "-dnsserver", settings_.dns_server},
                 {"PEBBLE_VA_NOSLEEP=1", "PEBBLE_AUTHZREUSE=0",
                  "PEBBLE_WFE_NONCEREJECT=" + std::to_string(settings_.nonce_reject_percent),
                  "PEBBLE_ALTERNATE_ROOTS=" + std::to_string(settings_.alternate_roots),
                  "PATH=/usr/bin:/bin"},
                 settings_.work_dir + "/pebble.log");
    ready_ = pid_ > 0 && answers(directory_url(), settings_.tls_ca);
}

PebbleProcess::~PebbleProcess() {
    stop(pid_);
}

std::string PebbleProcess::directory_url() const {
    return "https://" + settings_.address + ":" + std::to_string(settings_.port) + "/dir";
}

std::string PebbleProcess::root(int n) const {
    acme::CurlTransport http({settings_.tls_ca, std::chrono::seconds(5)});
    auto r = http.get("https://" + settings_.address + ":" + std::to_string(settings_.port + 1000) +
                      "/roots/" + std::to_string(n));
    return r.ok() && r->status == 200 ? r->body : std::string();
}

StaticHttpServer::StaticHttpServer(const std::string& address, int port,
                                   const std::string& directory, const std::string& log_file) {
    pid_ = spawn({"/usr/bin/python3", "-m", "http.server", std::to_string(port), "--bind", address,
                  "--directory", directory},
                 {"PATH=/usr/bin:/bin"}, log_file);
    ready_ = pid_ > 0 && listens(address, port);
}

StaticHttpServer::~StaticHttpServer() {
    stop(pid_);
}

}  // namespace dk::testing
