// The HTTP request head the daemon's listeners read (service/metrics/http.h): what it accepts, one
// test per way a head is refused, and the response it writes.
#include "service/metrics/http.h"

#include <gtest/gtest.h>

namespace dk::service {
namespace {

TEST(HttpHead, ReadsTheRequestLineAndHeaders) {
    auto head = parse_http_head(
        "POST /tlsrpt HTTP/1.1\r\nHost: r.example\r\nContent-Type:  application/tlsrpt+gzip \r\n"
        "Content-Length: 12");
    ASSERT_TRUE(head.ok()) << head.error().message;
    EXPECT_EQ(head->method, "POST");
    EXPECT_EQ(head->target, "/tlsrpt");
    EXPECT_EQ(head->version, "HTTP/1.1");
    auto type = head->header("content-type");
    ASSERT_TRUE(type.ok());
    EXPECT_EQ(type->value_or(""), "application/tlsrpt+gzip");
    auto absent = head->header("expect");
    ASSERT_TRUE(absent.ok());
    EXPECT_FALSE(absent->has_value());
}

TEST(HttpHead, AHeaderGivenTwiceIsRefusedWhenAsked) {
    auto head = parse_http_head("POST / HTTP/1.1\r\nContent-Length: 1\r\ncontent-length: 2");
    ASSERT_TRUE(head.ok());
    EXPECT_FALSE(head->header("content-length").ok());
}

TEST(HttpHead, RefusesMalformedHeads) {
    for (const char* bad :
         {"", "POST", "POST /tlsrpt", "POST  /tlsrpt HTTP/1.1", "POST /tlsrpt HTTP/1.1 extra",
          "POST /tlsrpt HTTP/2", "PO(ST /tlsrpt HTTP/1.1", "POST /a\x01 HTTP/1.1",
          "POST / HTTP/1.1\r\nNoColon", "POST / HTTP/1.1\r\n folded: x",
          "POST / HTTP/1.1\r\nBad Name: x", "POST / HTTP/1.1\r\nA: b\x7f",
          "POST / HTTP/1.1\r\n\r\nA: b"})
        EXPECT_FALSE(parse_http_head(bad).ok()) << bad;
}

TEST(HttpHead, BoundsTheHeadAndTheHeaders) {
    std::string head = "POST / HTTP/1.1";
    for (std::size_t i = 0; i < http_max_headers; ++i) head += "\r\nX-" + std::to_string(i) + ": 1";
    EXPECT_TRUE(parse_http_head(head).ok());
    EXPECT_FALSE(parse_http_head(head + "\r\nOne-More: 1").ok());
    EXPECT_FALSE(parse_http_head("POST / HTTP/1.1\r\nX: " + std::string(http_max_head, 'a')).ok());
}

TEST(HttpHead, FindsTheEndOfTheHead) {
    EXPECT_EQ(http_head_end("GET / HTTP/1.1\r\n\r\nbody"), 18u);
    EXPECT_FALSE(http_head_end("GET / HTTP/1.1\r\n").has_value());
}

TEST(HttpResponse, ClosesAndCountsItsBody) {
    EXPECT_EQ(http_response(405, "text/plain", "only POST\n", "Allow: POST\r\n"),
              "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain\r\nContent-Length: "
              "10\r\nConnection: close\r\nAllow: POST\r\n\r\nonly POST\n");
}

}  // namespace
}  // namespace dk::service
