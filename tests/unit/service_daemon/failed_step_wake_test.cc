// When a slot's step fails (a reload that fails, a full disk, a TSIG key the server no longer
// knows, an unreadable key file), the daemon tries again after the planner's retry interval, not
// after its idle hour: the failure is usually over in seconds (found by the fault campaign).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "base/clock.h"
#include "engine/planner.h"
#include "service/daemon/slot_runs.h"

namespace dk::service {
namespace {

TEST(FailedStepWakeTest, AFailedSlotIsTriedAgainAfterTheRetryIntervalNotTheIdleHour) {
    char tmpl[] = "/tmp/dk-wake-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    const std::string dir = tmpl;
    const std::string key = dir + "/tsig.key";
    std::ofstream(key) << "key \"dk\" { algorithm hmac-sha256; secret \"AAAA\"; };\n";
    ASSERT_EQ(::chmod(key.c_str(), 0600), 0);
    std::ofstream(dir + "/dk.toml")
        << "state_dir = \"" << dir << "/state\"\n"
        << "[[zone]]\nname = \"example.net\"\nprimary = \"127.0.0.1:9\"\n"
        << "tsig_key_file = \"" << key << "\"\n"
        << "[[key]]\nname = \"mx\"\nendpoints = [\"mx1.example.net:25\"]\n"
        << "cert_file = \"" << dir << "/c.pem\"\nkey_file = \"" << dir
        << "/k.pem\"\nissue_command = [\"/bin/true\", \"{csr}\"]\n";
    ASSERT_EQ(::chmod((dir + "/dk.toml").c_str(), 0600), 0);
    auto rt = open_runtime(dir + "/dk.toml");
    ASSERT_TRUE(rt.ok()) << rt.error().message;
    // The key file goes away under the running daemon: building the slot's publisher fails.
    std::filesystem::remove(key);

    int errors = 0;
    const SlotRunHooks hooks{{}, [&](const Error&) { ++errors; }};
    const TimePoint idle = (*rt)->clock.now() + std::chrono::hours(1);
    TimePoint wake = idle;
    const int rc = run_slots(**rt, {}, engine::RunMode::apply, hooks, &wake);
    EXPECT_NE(rc, 0);
    EXPECT_EQ(errors, 1);
    EXPECT_LE(wake, (*rt)->clock.now() + engine::SlotPolicy{}.retry);
    rt->reset();
    std::filesystem::remove_all(dir);
}

TEST(RetryTimeTest, AFailureThatSaysWhenIsTriedThenNotAtEveryRetryInterval) {
    const TimePoint now = from_unix_seconds(1'800'000'000);
    const Seconds retry = engine::SlotPolicy{}.retry;
    Error plain = Error::environment("the primary did not answer");
    EXPECT_EQ(retry_time(plain, now), now + retry);
    Error held = Error::environment("ACME: no new order before ...");
    held.retry_not_before = now + Seconds{1200};  // the refusal backoff or a Retry-After
    EXPECT_EQ(retry_time(held, now), now + Seconds{1200});
    held.retry_not_before = now + Seconds{5};  // never sooner than the retry interval
    EXPECT_EQ(retry_time(held, now), now + retry);
}

}  // namespace
}  // namespace dk::service
