#include "tlsrpt/mime.h"

#include <gtest/gtest.h>

#include "report_mail.h"
#include "rfc8460_example.h"
#include "tlsrpt/report_parser.h"

namespace dk::tlsrpt {
namespace {

std::string refusal(const std::string& mail, const MimeLimits& limits = {}) {
    auto r = report_from_mail(mail, limits);
    if (r.ok()) return "accepted";
    EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
    return r.error().message;
}

TEST(ReportFromMail, TheGzipPartOfASendersMailIsDecoded) {
    auto bytes = report_from_mail(report_mail(rfc8460_example));
    ASSERT_TRUE(bytes.ok()) << bytes.error().message;
    auto report = parse_report(*bytes);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->organization_name, "Company-X");
}

TEST(ReportFromMail, AJsonPartInNestedMultipartWithLfLineEndsIsFound) {
    const std::string mail =
        "Content-Type: multipart/mixed; boundary=outer\n\npreamble\n--outer\n"
        "Content-Type: multipart/alternative; boundary=\"inner\"\n\n--inner\n"
        "Content-Type: text/plain\n\nhello\n--inner\n"
        "Content-Type: Application/TLSRPT+JSON\n\n" +
        std::string(rfc8460_example) + "\n--inner--\n--outer--\n";
    auto bytes = report_from_mail(mail);
    ASSERT_TRUE(bytes.ok()) << bytes.error().message;
    EXPECT_EQ(*bytes, rfc8460_example);
}

TEST(ReportFromMail, EachMalformedMailIsRefusedWithOneReason) {
    const std::string good = report_mail(rfc8460_example);
    EXPECT_EQ(refusal("Subject: hi\r\n\r\nno report here\r\n"),
              "mail: no application/tlsrpt+gzip or application/tlsrpt+json part");
    std::string qp = good;
    qp.replace(qp.find("Content-Transfer-Encoding: base64"), 33,
               "Content-Transfer-Encoding: quoted-printable");
    EXPECT_EQ(refusal(qp),
              "mail: the report part's transfer encoding 'quoted-printable' is not base64, 7bit, "
              "8bit or binary");
    std::string bad64 = good;
    bad64.insert(bad64.find("\r\n----b0undary--"), "!!");
    EXPECT_EQ(refusal(bad64), "mail: the report part is not valid base64");
    const std::string cut = good.substr(0, good.size() - 20);
    EXPECT_EQ(refusal(cut), "mail: a multipart part without its closing boundary");
    EXPECT_EQ(refusal("Content-Type: multipart/mixed\r\n\r\n--x\r\n"),
              "mail: a multipart part without a boundary");
}

TEST(ReportFromMail, BoundsHold) {
    std::string deep = "Content-Type: multipart/mixed; boundary=b0\n\n";
    std::string tail;
    for (int i = 1; i <= 6; ++i) {
        deep += "--b" + std::to_string(i - 1) + "\nContent-Type: multipart/mixed; boundary=b" +
                std::to_string(i) + "\n\n";
        tail = "--b" + std::to_string(i - 1) + "--\n" + tail;
    }
    EXPECT_EQ(refusal(deep + tail), "mail: multipart nested deeper than 4 levels");

    std::string many = "Content-Type: multipart/mixed; boundary=m\n\n";
    for (int i = 0; i < 70; ++i) many += "--m\nContent-Type: text/plain\n\nx\n";
    many += "--m--\n";
    EXPECT_EQ(refusal(many), "mail: more than 64 MIME parts");

    MimeLimits small;
    small.max_message_bytes = 1000;
    EXPECT_EQ(refusal(std::string(1001, 'x'), small),
              "mail: 1001 bytes, more than the limit of 1000");
    small.max_message_bytes = 1 << 20;
    small.max_header_bytes = 100;
    EXPECT_EQ(refusal("X-Long: " + std::string(200, 'a') + "\r\n\r\nbody", small),
              "mail: a header block longer than 100 bytes");
}

}  // namespace
}  // namespace dk::tlsrpt
