// The audit as one self-contained HTML page people read and file: the verdict, per endpoint,
// address and algorithm the EMLREQ_2/4/6 results with their evidence, a timeline of the last N
// days as inline SVG, the lint findings and what senders reported. Inline CSS, no script, no
// external resource. Pure: typed audit data in, HTML text out; every string is escaped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ops/audit.h"
#include "ops/audit_timeline.h"
#include "ops/lint.h"

namespace dk::ops {

struct AuditPage {
    TimePoint now{};
    std::string generator;  // "danekeeper 1.2.3"
    std::vector<AuditItem> items;
    std::vector<Finding> findings;
    int days = 30;
    Timeline timeline;
    std::vector<std::string> sender_lines;  // what senders reported (TLSRPT), one line each
};

std::string render_audit_html(const AuditPage& page);

// Text for HTML (and the SVG inside it), as element content or a quoted attribute value:
// & < > " ' become references; control characters other than tab and newline, which XML does
// not allow, become U+FFFD.
std::string html_escape(std::string_view text);

}  // namespace dk::ops
