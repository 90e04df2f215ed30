// The [tlsrpt] table: where SMTP TLS reports (RFC 8460) arrive.
#include "config/parse_parts.h"

namespace dk::config {

void parse_tlsrpt(Table& top, Config& c, Problems& p) {
    const toml::node* node = top.node("tlsrpt");
    if (node == nullptr) return;
    const toml::table* table = node->as_table();
    if (table == nullptr) return p.add(node->source(), "tlsrpt", "must be a table");
    Table t(*table, "tlsrpt.", p, "tlsrpt");
    c.tlsrpt.maildir = t.path("maildir", false);
    t.report_unknown();
}

}  // namespace dk::config
