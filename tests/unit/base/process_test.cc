#include "base/process.h"

#include <gtest/gtest.h>

namespace dk {
namespace {

TEST(Process, RunsWithArgvAndCapturesOutput) {
    auto r = process::run({.argv = {"/bin/echo", "a b", "$HOME"}});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->exit_code, 0);
    EXPECT_EQ(r->out, "a b $HOME\n");  // no shell: nothing expanded
}

TEST(Process, PassesOnlyCleanEnvironmentPlusOurs) {
    ::setenv("DK_SHOULD_NOT_LEAK", "1", 1);
    auto r = process::run({.argv = {"/usr/bin/env"}, .env = {{"DANEKEEPER_SLOT", "mx"}}});
    ASSERT_TRUE(r.ok());
    EXPECT_NE(r->out.find("DANEKEEPER_SLOT=mx"), std::string::npos);
    EXPECT_EQ(r->out.find("DK_SHOULD_NOT_LEAK"), std::string::npos);
}

TEST(Process, ReportsExitCodeAndStderr) {
    auto r = process::run({.argv = {"/bin/sh", "-c", "echo oops >&2; exit 3"}});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->exit_code, 3);
    EXPECT_EQ(r->err, "oops\n");
}

TEST(Process, KillsOnTimeout) {
    auto r =
        process::run({.argv = {"/bin/sleep", "30"}, .timeout = std::chrono::milliseconds(200)});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::environment);
    EXPECT_NE(r.error().message.find("killed"), std::string::npos);
}

TEST(Process, RefusesRelativeProgramAndReportsMissingOne) {
    EXPECT_EQ(process::run({.argv = {"echo"}}).error().kind, ErrorKind::bad_input);
    EXPECT_FALSE(process::run({.argv = {"/nonexistent/program"}}).ok());
}

TEST(Process, BoundsCapturedOutput) {
    auto r =
        process::run({.argv = {"/usr/bin/head", "-c", "100000", "/dev/zero"}, .max_output = 1000});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->out.size(), 1000u);
}

}  // namespace
}  // namespace dk
