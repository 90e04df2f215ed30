// The metrics listener against real sockets on loopback: a slow client cannot hold a scrape or
// the daemon's stop, and the number of clients at once is bounded.
#include "service/metrics/metrics_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "loopback_client.h"

namespace dk::service {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Reads until the server closes, for at most `limit`; nullopt when it never closed.
std::optional<std::string> read_to_close(int fd, milliseconds limit) {
    std::string got;
    const auto end = Clock::now() + limit;
    while (Clock::now() < end) {
        pollfd p{fd, POLLIN, 0};
        const auto left = std::chrono::duration_cast<milliseconds>(end - Clock::now());
        if (::poll(&p, 1, static_cast<int>(std::max<long long>(left.count(), 1))) <= 0) continue;
        char buf[4096];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return got;
        got.append(buf, static_cast<std::size_t>(n));
    }
    return std::nullopt;
}

// Sends one byte of a request every 300 ms until told to stop or the server closes it (at
// most 6 s): never enough to finish a request, always enough to reset a per-byte timeout.
class DripClient {
  public:
    explicit DripClient(const HostPort& where) : fd_(connect_to(where)) {
        thread_ = std::thread([this] {
            const std::string request = "GET /metrics HTTP/1.1\r\nHost: x\r\n";
            for (std::size_t i = 0; i < 20 && !stop_; ++i) {
                const char byte = request[i % request.size()];
                if (::send(fd_.get(), &byte, 1, MSG_NOSIGNAL) != 1) return;
                std::this_thread::sleep_for(milliseconds(300));
            }
        });
    }
    ~DripClient() {
        stop_ = true;
        thread_.join();
    }
    DripClient(const DripClient&) = delete;
    DripClient& operator=(const DripClient&) = delete;
    [[nodiscard]] int fd() const { return fd_.get(); }

  private:
    UniqueFd fd_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

std::unique_ptr<MetricsServer> started_server() {
    auto server = MetricsServer::start({"127.0.0.1", free_port()});
    if (!server.ok()) return nullptr;
    (*server)->publish("danekeeper_last_run_result 0\n");
    return std::move(*server);
}

TEST(MetricsResponse, MetricsForGetAndNotFoundOtherwise) {
    EXPECT_FALSE(metrics_request_complete("GET /metrics HTTP/1.1\r\n"));
    EXPECT_TRUE(metrics_request_complete("GET /metrics HTTP/1.1\r\n\r\n"));
    EXPECT_TRUE(metrics_request_complete(std::string(metrics_max_request, 'x')));
    EXPECT_EQ(metrics_response("GET /metrics HTTP/1.1\r\n\r\n", "up 1\n"),
              "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
              "Content-Length: 5\r\nConnection: close\r\n\r\nup 1\n");
    EXPECT_EQ(metrics_response("GET /other HTTP/1.1\r\n\r\n", "up 1\n"),
              "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; version=0.0.4\r\n"
              "Content-Length: 10\r\nConnection: close\r\n\r\nnot found\n");
}

TEST(MetricsServer, ScrapeIsAnsweredWhileAnotherClientDrips) {
    auto server = started_server();
    ASSERT_NE(server, nullptr);
    DripClient drip(server->address());
    ASSERT_GE(drip.fd(), 0);
    std::this_thread::sleep_for(milliseconds(200));  // the drip client is being served first
    const auto start = Clock::now();
    UniqueFd scrape = connect_to(server->address());
    ASSERT_GE(scrape.get(), 0);
    const std::string request = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
    ASSERT_EQ(::send(scrape.get(), request.data(), request.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(request.size()));
    const auto answer = read_to_close(scrape.get(), milliseconds(5000));
    const auto took = Clock::now() - start;
    ASSERT_TRUE(answer.has_value()) << "no answer within 5 s";
    EXPECT_NE(answer->find("200 OK"), std::string::npos) << *answer;
    EXPECT_NE(answer->find("danekeeper_last_run_result 0"), std::string::npos);
    // Served one after the other it would wait for the drip client's whole deadline (2 s).
    EXPECT_LT(took, milliseconds(1500));
}

TEST(MetricsServer, DripClientIsClosedAtItsRequestDeadline) {
    auto server = started_server();
    ASSERT_NE(server, nullptr);
    DripClient drip(server->address());
    ASSERT_GE(drip.fd(), 0);
    const auto start = Clock::now();
    // The deadline is for the whole request (2 s), not for each byte.
    EXPECT_TRUE(read_to_close(drip.fd(), milliseconds(4000)).has_value())
        << "a client sending a byte every 300 ms was still held after 4 s";
    EXPECT_GE(Clock::now() - start, milliseconds(1500));
}

TEST(MetricsServer, StopDoesNotWaitForAClient) {
    auto server = started_server();
    ASSERT_NE(server, nullptr);
    DripClient drip(server->address());
    ASSERT_GE(drip.fd(), 0);
    std::this_thread::sleep_for(milliseconds(400));  // the server is inside the drip's request
    const auto start = Clock::now();
    server.reset();
    EXPECT_LT(Clock::now() - start, milliseconds(1000));
}

// An idle daemon never wakes while nothing is due: neither does its listener while nobody scrapes.
TEST(MetricsServer, IdleListenerNeverWakes) {
    auto server = started_server();
    ASSERT_NE(server, nullptr);
    std::this_thread::sleep_for(milliseconds(350));
    EXPECT_EQ(server->wakeups(), 0U);
    UniqueFd scrape = connect_to(server->address());
    ASSERT_GE(scrape.get(), 0);
    const std::string request = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
    ASSERT_EQ(::send(scrape.get(), request.data(), request.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(request.size()));
    ASSERT_TRUE(read_to_close(scrape.get(), milliseconds(5000)).has_value());
    EXPECT_GT(server->wakeups(), 0U);  // the counter counts
}

TEST(MetricsServer, ClientsBeyondTheBoundAreClosedAtOnce) {
    auto server = started_server();
    ASSERT_NE(server, nullptr);
    std::vector<UniqueFd> idle;
    for (std::size_t i = 0; i < MetricsServer::max_clients; ++i) {
        idle.push_back(connect_to(server->address()));
        ASSERT_GE(idle.back().get(), 0);
    }
    std::this_thread::sleep_for(milliseconds(300));  // all of them accepted
    UniqueFd extra = connect_to(server->address());
    ASSERT_GE(extra.get(), 0);
    const auto closed = read_to_close(extra.get(), milliseconds(1000));
    ASSERT_TRUE(closed.has_value()) << "a client over the bound was held";
    EXPECT_TRUE(closed->empty());
    // Once they hang up there is room again.
    idle.clear();
    std::this_thread::sleep_for(milliseconds(300));
    UniqueFd scrape = connect_to(server->address());
    const std::string request = "GET /metrics HTTP/1.1\r\n\r\n";
    ::send(scrape.get(), request.data(), request.size(), MSG_NOSIGNAL);
    const auto answer = read_to_close(scrape.get(), milliseconds(3000));
    ASSERT_TRUE(answer.has_value());
    EXPECT_NE(answer->find("200 OK"), std::string::npos);
}

TEST(MetricsServer, UnknownPathIs404) {
    auto server = started_server();
    ASSERT_NE(server, nullptr);
    UniqueFd client = connect_to(server->address());
    const std::string request = "GET / HTTP/1.1\r\n\r\n";
    ::send(client.get(), request.data(), request.size(), MSG_NOSIGNAL);
    const auto answer = read_to_close(client.get(), milliseconds(3000));
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u) << *answer;
}

}  // namespace
}  // namespace dk::service
