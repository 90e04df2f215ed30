// The audit's overall verdict and plugin state from items and lint findings.
#include "ops/audit_report.h"

#include <gtest/gtest.h>

namespace dk::ops {
namespace {

AuditItem item(bool pass) {
    return {"mx1.example.test:25",
            "192.0.2.1",
            "ecdsa",
            from_unix_seconds(0),
            {{"EMLREQ_2", "tls_offered", true, "TLSv1.3"},
             {"EMLREQ_6", "certified_ca", pass, "issuer X"}}};
}

const Finding warning{"key-too-old", Severity::warning, "mx", "old"};
const Finding error{"mx-without-tlsa", Severity::error, "mx2.example.test", "none"};

TEST(AuditReport, PassWithoutFindingsIsOk) {
    EXPECT_TRUE(audit_pass({item(true)}, {}));
    const auto r = audit_nagios({item(true)}, {}, 1.25);
    EXPECT_EQ(format_nagios(r),
              "DANE-AUDIT OK - EMLREQ_2/4/6 met at 1 endpoint addresses | addresses=1;;;0 "
              "failed=0;;0;0 lint_errors=0;;0;0 lint_warnings=0;0;;0 time=1.250s;;;0\n");
}

TEST(AuditReport, LintWarningsWarnButPass) {
    EXPECT_TRUE(audit_pass({item(true)}, {warning}));
    EXPECT_EQ(audit_nagios({item(true)}, {warning}, 0).state, NagiosState::warning);
}

TEST(AuditReport, AFailedRequirementOrLintErrorIsCritical) {
    EXPECT_FALSE(audit_pass({item(true), item(false)}, {}));
    const auto r = audit_nagios({item(true), item(false)}, {}, 0);
    EXPECT_EQ(r.state, NagiosState::critical);
    EXPECT_EQ(r.summary, "1 of 2 endpoint addresses fail: EMLREQ_6 certified_ca");
    ASSERT_EQ(r.details.size(), 1u);
    EXPECT_EQ(r.details[0],
              "EMLREQ_6 certified_ca mx1.example.test:25 [192.0.2.1 ecdsa]: issuer X");
    EXPECT_FALSE(audit_pass({item(true)}, {error}));
    EXPECT_EQ(audit_nagios({item(true)}, {error}, 0).state, NagiosState::critical);
}

TEST(AuditReport, NothingAuditedFails) {
    EXPECT_FALSE(audit_pass({}, {}));
    EXPECT_EQ(audit_nagios({}, {}, 0).summary, "nothing to audit");
}

}  // namespace
}  // namespace dk::ops
