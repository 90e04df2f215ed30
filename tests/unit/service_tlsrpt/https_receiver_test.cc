// The TLSRPT HTTPS receiver (service/tlsrpt/https_receiver.h): what each request head is answered
// with, what a body is answered with and whether it is stored, and, against real sockets, the
// bounds a client cannot get past (the time to send its head, the number of connections).
#include "service/tlsrpt/https_receiver.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/pem.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "loopback_client.h"
#include "rfc8460_example.h"
#include "store_fixture.h"
#include "test_ca.h"
#include "tlsrpt/gzip.h"

namespace dk::service {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

HttpRequestHead head(const std::string& text) {
    auto parsed = parse_http_head(text);
    EXPECT_TRUE(parsed.ok()) << text;
    return parsed.ok() ? *parsed : HttpRequestHead{};
}

int status_of(const std::string& text, std::size_t max = 1000) {
    return check_tlsrpt_post(head(text), "/tlsrpt", max).status;
}

TEST(TlsrptPost, EachWrongHeadHasItsStatus) {
    const std::string good = "POST /tlsrpt HTTP/1.1\r\nContent-Type: application/tlsrpt+gzip";
    EXPECT_EQ(status_of(good + "\r\nContent-Length: 1000"), 0);
    EXPECT_EQ(status_of("POST /other HTTP/1.1\r\nContent-Length: 1"), 404);
    EXPECT_EQ(status_of("POST /tlsrpt?x=1 HTTP/1.1\r\nContent-Length: 1"), 404);
    EXPECT_EQ(status_of("GET /tlsrpt HTTP/1.1"), 405);
    EXPECT_EQ(status_of("PUT /tlsrpt HTTP/1.1\r\nContent-Length: 1"), 405);
    EXPECT_EQ(status_of("POST /tlsrpt HTTP/1.1\r\nContent-Length: 1"), 415);
    EXPECT_EQ(status_of("POST /tlsrpt HTTP/1.1\r\nContent-Type: application/json\r\n"
                        "Content-Length: 1"),
              415);
    EXPECT_EQ(status_of(good + "\r\nContent-Length: 1001"), 413);
    EXPECT_EQ(status_of(good + "\r\nContent-Length: 99999999999999999999"), 400);
    EXPECT_EQ(status_of(good + "\r\nContent-Length: -1"), 400);
    EXPECT_EQ(status_of(good + "\r\nContent-Length: 0"), 400);
    EXPECT_EQ(status_of(good), 411);
    EXPECT_EQ(status_of(good + "\r\nTransfer-Encoding: chunked"), 411);
    EXPECT_EQ(status_of(good + "\r\nContent-Length: 1\r\nContent-Length: 2"), 400);
}

TEST(TlsrptPost, TheMediaTypeDecidesHowTheBodyIsRead) {
    auto check = check_tlsrpt_post(
        head("POST /tlsrpt HTTP/1.1\r\nContent-Type: Application/TLSRPT+JSON; charset=utf-8\r\n"
             "Content-Length: 10\r\nExpect: 100-continue"),
        "/tlsrpt", 1000);
    EXPECT_EQ(check.status, 0);
    EXPECT_FALSE(check.gzip);
    EXPECT_TRUE(check.expects_continue);
    EXPECT_EQ(check.body_bytes, 10u);
}

using ReceiverTest = StoreFixture;

int answered(const std::string& response) {
    return response.size() > 12 ? std::stoi(response.substr(9, 3)) : 0;
}

TEST_F(ReceiverTest, AGoodReportIsStoredOnceABadOneNot) {
    TlsrptPostCheck gzip;
    gzip.gzip = true;
    const std::string report = tlsrpt::gzip(rfc8460_example);
    const TimePoint now = from_unix_seconds(1'800'000'000);
    EXPECT_EQ(answered(answer_tlsrpt_post(*store_, gzip, report, now, "https:peer")), 201);
    EXPECT_EQ(answered(answer_tlsrpt_post(*store_, gzip, report, now, "https:peer")), 200);
    const std::string broken = tlsrpt::gzip(std::string(rfc8460_example).substr(0, 100));
    EXPECT_EQ(answered(answer_tlsrpt_post(*store_, gzip, broken, now, "https:peer")), 400);
    // The type says gzip, the body is the JSON: refused, not guessed.
    EXPECT_EQ(answered(answer_tlsrpt_post(*store_, gzip, rfc8460_example, now, "https:peer")), 400);
    TlsrptPostCheck json;
    EXPECT_EQ(answered(answer_tlsrpt_post(*store_, json, report, now, "https:peer")), 400);
    auto stored = store_->tlsrpt_reports_since(TimePoint{});
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(stored->size(), 1u);
}

// A connection to the receiver on loopback `port`; the test fails when it cannot connect.
UniqueFd connected(std::uint16_t port) {
    UniqueFd fd = connect_to(HostPort{"127.0.0.1", port});
    EXPECT_GE(fd.get(), 0) << "connect to 127.0.0.1:" << port;
    return fd;
}

// How long until the server closes the connection (recv returns 0 or fails); `limit` at most.
milliseconds closed_after(int fd, milliseconds limit) {
    const auto start = Clock::now();
    pollfd p{fd, POLLIN, 0};
    while (Clock::now() - start < limit) {
        if (::poll(&p, 1, 20) == 1) {
            char c = 0;
            if (::recv(fd, &c, 1, 0) <= 0) break;
        }
    }
    return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
    ::chmod(path.c_str(), 0600);
}

// A self-signed certificate and its key in dir, and options to listen on a free port.
TlsrptReceiverOptions receiver_options(const std::string& dir) {
    auto ca = testing::make_ca("tlsrpt receiver test");
    write_file(dir + "/cert.pem", ca.pem);
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    EXPECT_EQ(
        PEM_write_bio_PrivateKey(bio.get(), ca.key.get(), nullptr, nullptr, 0, nullptr, nullptr),
        1);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    write_file(dir + "/key.pem", std::string(data, static_cast<std::size_t>(size)));
    TlsrptReceiverOptions o;
    o.listen = HostPort{"127.0.0.1", free_port()};
    o.cert_file = dir + "/cert.pem";
    o.key_file = dir + "/key.pem";
    o.state_db = dir + "/state.db";
    return o;
}

TEST_F(ReceiverTest, AnIdleReceiverNeverWakes) {
    auto receiver = TlsrptReceiver::start(receiver_options(dir_));
    ASSERT_TRUE(receiver.ok()) << receiver.error().message;
    std::this_thread::sleep_for(milliseconds(350));
    EXPECT_EQ((*receiver)->wakeups(), 0U);
    UniqueFd client = connected((*receiver)->options().listen.port);
    client = UniqueFd();
    for (int i = 0; i < 100 && (*receiver)->wakeups() == 0; ++i)
        std::this_thread::sleep_for(milliseconds(10));
    EXPECT_GT((*receiver)->wakeups(), 0U);  // the counter counts
}

TEST_F(ReceiverTest, ASilentClientIsClosedAtTheHeadDeadlineAndConnectionsAreCapped) {
    TlsrptReceiverOptions o = receiver_options(dir_);
    const std::uint16_t port = o.listen.port;
    o.max_connections = 2;
    o.head_deadline = milliseconds(400);
    auto receiver = TlsrptReceiver::start(o);
    ASSERT_TRUE(receiver.ok()) << receiver.error().message;
    UniqueFd first = connected(port);
    UniqueFd second = connected(port);
    std::this_thread::sleep_for(milliseconds(150));  // both accepted
    UniqueFd third = connected(port);
    EXPECT_LT(closed_after(third.get(), milliseconds(3000)), milliseconds(350))
        << "the third connection is over the cap";
    const auto first_closed = closed_after(first.get(), milliseconds(3000));
    EXPECT_GE(first_closed, milliseconds(100));
    EXPECT_LT(first_closed, milliseconds(1500)) << "no handshake, no head: closed at the deadline";
    EXPECT_LT(closed_after(second.get(), milliseconds(3000)), milliseconds(1500));
}

TEST_F(ReceiverTest, AKeyThatIsNotTheCertificatesIsRefusedAtStart) {
    auto ca = testing::make_ca("one");
    auto other = testing::make_ca("other");
    write_file(dir_ + "/cert.pem", ca.pem);
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), other.key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    write_file(dir_ + "/key.pem", std::string(data, static_cast<std::size_t>(size)));
    TlsrptReceiverOptions o;
    o.listen = HostPort{"127.0.0.1", free_port()};
    o.cert_file = dir_ + "/cert.pem";
    o.key_file = dir_ + "/key.pem";
    o.state_db = dir_ + "/state.db";
    auto receiver = TlsrptReceiver::start(o);
    ASSERT_FALSE(receiver.ok());
    EXPECT_EQ(receiver.error().kind, ErrorKind::bad_input);
}

}  // namespace
}  // namespace dk::service
