// The [tlsrpt] table: where SMTP TLS reports (RFC 8460) arrive, and the report URIs the
// _smtp._tls record names.
#include "base/tlsrpt_record.h"
#include "config/parse_parts.h"

namespace dk::config {
namespace {

void parse_https(Table& t, TlsrptConfig& c) {
    c.https_listen = host_port(t, "https_listen", false);
    const bool listening = t.node("https_listen") != nullptr;
    c.https_cert_file = t.path("https_cert_file", listening).value_or("");
    c.https_key_file = t.path("https_key_file", listening).value_or("");
    c.https_path = t.string("https_path", false).value_or(c.https_path);
    if (!c.https_path.starts_with('/') || c.https_path.size() > 256 ||
        c.https_path.find_first_of(" ?#%\t\r\n") != std::string::npos)
        t.problem("https_path", "must be an absolute URL path (\"/tlsrpt\"), no query or escapes");
    c.https_max_body_bytes = t.integer("https_max_body_bytes");
    c.https_max_connections = static_cast<int>(t.integer("https_max_connections"));
    if (!listening) {
        for (const char* key : {"https_cert_file", "https_key_file"})
            if (t.node(key) != nullptr) t.problem(key, "only with https_listen");
    }
}

}  // namespace

std::vector<std::string> parse_rua(Table& t, std::string_view key) {
    std::vector<std::string> rua = t.strings(key, false).value_or(std::vector<std::string>{});
    if (rua.empty()) return rua;
    if (auto record = tlsrpt_record_text(rua); !record.ok()) {
        t.problem(key, record.error().message);
        return {};
    }
    return rua;
}

void parse_tlsrpt(Table& top, Config& c, Problems& p) {
    const toml::node* node = top.node("tlsrpt");
    if (node == nullptr) return;
    const toml::table* table = node->as_table();
    if (table == nullptr) return p.add(node->source(), "tlsrpt", "must be a table");
    Table t(*table, "tlsrpt.", p, "tlsrpt");
    c.tlsrpt.maildir = t.path("maildir", false);
    c.tlsrpt.rua = parse_rua(t, "rua");
    parse_https(t, c.tlsrpt);
    t.report_unknown();
}

}  // namespace dk::config
