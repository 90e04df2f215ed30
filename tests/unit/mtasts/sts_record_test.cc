// The _mta-sts TXT record (RFC 8461 section 3.1): built from its id, read as senders read it.
#include "mtasts/sts_record.h"

#include <gtest/gtest.h>

namespace dk::mtasts {
namespace {

TEST(StsRecordTest, BuildsAndReadsBack) {
    auto text = sts_record_text("20160831085700Z");
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(*text, "v=STSv1; id=20160831085700Z");
    auto id = parse_sts_record(*text);
    ASSERT_TRUE(id.ok()) << id.error().message;
    EXPECT_EQ(*id, "20160831085700Z");
}

TEST(StsRecordTest, ReadsTheRfcExampleAndUnknownFields) {
    EXPECT_EQ(*parse_sts_record("v=STSv1; id=20160831085700Z;"), "20160831085700Z");
    EXPECT_EQ(*parse_sts_record("v=STSv1;ext=1;id=abc"), "abc");
}

TEST(StsRecordTest, RefusesBadIdsAndRecords) {
    EXPECT_FALSE(sts_record_text("").ok());
    EXPECT_FALSE(sts_record_text(std::string(33, 'a')).ok());
    EXPECT_FALSE(sts_record_text("a-b").ok());
    EXPECT_FALSE(parse_sts_record("v=STSv1").ok());              // no id
    EXPECT_FALSE(parse_sts_record("v=STSv1; id=a; id=b").ok());  // twice
    EXPECT_FALSE(parse_sts_record("v=STSv1; id=a_b").ok());      // not alphanumeric
    EXPECT_FALSE(parse_sts_record("v=STSv10; id=a").ok());       // not followed by ';'
    EXPECT_FALSE(parse_sts_record("v=STSv1; ; id=a").ok());      // empty field
    EXPECT_FALSE(parse_sts_record(std::string(2000, 'v')).ok());
}

TEST(StsRecordTest, SendersNeedExactlyOneStsRecord) {
    EXPECT_EQ(*sts_id_of({"v=spf1 -all", "v=STSv1; id=abc"}), "abc");
    auto none = sts_id_of({"v=spf1 -all"});
    ASSERT_FALSE(none.ok());
    EXPECT_EQ(none.error().kind, ErrorKind::check_failed);
    auto two = sts_id_of({"v=STSv1; id=a", "v=STSv1; id=b"});
    ASSERT_FALSE(two.ok());
    EXPECT_NE(two.error().message.find("2 v=STSv1"), std::string::npos);
}

}  // namespace
}  // namespace dk::mtasts
