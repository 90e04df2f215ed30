// The [monitoring] table (what `status --nagios` expects of the runs, the status snapshot) and
// the [log] table (the event log's retention).
#include "config/parse_parts.h"

namespace dk::config {
namespace {

// A path inside the other, or the same.
bool inside(const std::string& path, const std::string& dir) {
    const std::string base = dir.ends_with('/') ? dir : dir + "/";
    return path == dir || path.starts_with(base);
}

}  // namespace

void parse_monitoring(Table& top, Config& c, Problems& p) {
    const toml::node* node = top.node("monitoring");
    if (node == nullptr) return;
    const toml::table* table = node->as_table();
    if (table == nullptr) return p.add(node->source(), "monitoring", "must be a table");
    Table t(*table, "monitoring.", p, "monitoring");
    auto& m = c.monitoring;
    m.run_interval_seconds = static_cast<int>(t.integer("run_interval_seconds"));
    m.stale_warning_factor = static_cast<int>(t.integer("stale_warning_factor"));
    m.stale_critical_factor = static_cast<int>(t.integer("stale_critical_factor"));
    if (m.stale_critical_factor < m.stale_warning_factor)
        t.problem("stale_critical_factor", "must be at least stale_warning_factor (" +
                                               std::to_string(m.stale_warning_factor) + ")");
    m.status_file = t.path("status_file", false);
    // The state directory is 0700: a snapshot inside it would be out of the other user's reach.
    if (m.status_file && inside(*m.status_file, c.state_dir))
        t.problem("status_file", "'" + *m.status_file + "' is inside state_dir " + c.state_dir +
                                     ", which no other user can enter");
    m.status_file_group = t.string("status_file_group", false);
    if (m.status_file_group && !m.status_file) t.problem("status_file_group", "needs status_file");
    t.report_unknown();
}

void parse_log(Table& top, Config& c, Problems& p) {
    const toml::node* node = top.node("log");
    if (node == nullptr) return;
    const toml::table* table = node->as_table();
    if (table == nullptr) return p.add(node->source(), "log", "must be a table");
    Table t(*table, "log.", p, "log");
    c.log.retention_days = static_cast<int>(t.integer("retention_days"));
    c.log.retention_rows = t.integer("retention_rows");
    t.report_unknown();
}

}  // namespace dk::config
