#include "pebble_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

#include "acme/http.h"

extern char** environ;

namespace dk::testing {

PebbleProcess::PebbleProcess(PebbleSettings settings) : settings_(std::move(settings)) {
    const std::string config = settings_.work_dir + "/pebble.json";
    std::ofstream(config) << R"({"pebble": {"listenAddress": ")" << settings_.address << ":"
                          << settings_.port << R"(", "managementListenAddress": ")"
                          << settings_.address << ":" << settings_.port + 1000
                          << R"(", "certificate": ")" << settings_.tls_cert
                          << R"(", "privateKey": ")" << settings_.tls_key
                          << R"(", "httpPort": 5002, "tlsPort": 5001, "ocspResponderURL": "",)"
                          << R"( "externalAccountBindingRequired": false}})";
    std::vector<std::string> env_text{
        "PEBBLE_VA_NOSLEEP=1", "PEBBLE_AUTHZREUSE=0",
        "PEBBLE_WFE_NONCEREJECT=" + std::to_string(settings_.nonce_reject_percent),
        "PEBBLE_ALTERNATE_ROOTS=" + std::to_string(settings_.alternate_roots),
        "PATH=/usr/bin:/bin"};
    std::vector<std::string> argv_text{"/usr/bin/pebble", "-config", config, "-dnsserver",
                                       settings_.dns_server};
    std::vector<char*> argv, env;
    for (auto& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env_text) env.push_back(e.data());
    env.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string log = settings_.work_dir + "/pebble.log";
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        pid_ = -1;
        return;
    }
    acme::CurlTransport http({settings_.tls_ca, std::chrono::seconds(2)});
    for (int i = 0; i < 100 && !ready_; ++i) {
        auto r = http.get(directory_url());
        ready_ = r.ok() && r->status == 200;
        if (!ready_) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

PebbleProcess::~PebbleProcess() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 50; ++i) {
        if (::waitpid(pid_, &status, WNOHANG) == pid_) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
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

}  // namespace dk::testing
