#include "base/log.h"

#include <sys/stat.h>
#include <syslog.h>

#include <cstdio>
#include <iterator>
#include <mutex>

namespace dk::log {
namespace {

std::mutex g_mutex;
Options g_options;
Sink g_sink;
bool g_syslog_open = false;

// Each level's name in our lines and its syslog priority, in the order of enum Level.
struct LevelFacts {
    const char* name;
    int priority;
};
constexpr LevelFacts levels[] = {{"debug", LOG_DEBUG}, {"info", LOG_INFO},  {"warn", LOG_WARNING},
                                 {"error", LOG_ERR},   {"fatal", LOG_CRIT}, {"panic", LOG_ALERT}};
static_assert(std::size(levels) == static_cast<std::size_t>(Level::panic) + 1);

const LevelFacts& facts_of(Level level) {
    const auto i = static_cast<std::size_t>(level);
    return i < std::size(levels) ? levels[i] : levels[1];  // info
}

const char* level_name(Level level) {
    return facts_of(level).name;
}

int syslog_priority(Level level) {
    return facts_of(level).priority;
}

bool needs_quotes(std::string_view value) {
    if (value.empty()) return true;
    for (char c : value) {
        if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
            return true;
        }
    }
    return false;
}

void append_value(std::string& out, std::string_view value) {
    if (!needs_quotes(value)) {
        out += value;
        return;
    }
    out += '"';
    for (char c : value) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += '?';  // keep one event on one line
        } else {
            out += c;
        }
    }
    out += '"';
}

}  // namespace

void configure(const Options& options) {
    std::lock_guard lock(g_mutex);
    g_options = options;
    if (options.to_syslog && !g_syslog_open) {
        openlog("danekeeper", LOG_PID, LOG_DAEMON);
        g_syslog_open = true;
    }
}

bool journal_stream_is(const char* journal_stream, int fd) {
    if (journal_stream == nullptr) return false;
    unsigned long long device = 0;
    unsigned long long inode = 0;
    char rest = 0;
    if (std::sscanf(journal_stream, "%llu:%llu%c", &device, &inode, &rest) != 2) return false;
    struct stat st {};
    return ::fstat(fd, &st) == 0 && st.st_dev == device && st.st_ino == inode;
}

std::string stderr_prefix(Level level) {
    std::lock_guard lock(g_mutex);
    if (!g_options.priority_prefix) return "";
    return "<" + std::to_string(syslog_priority(level)) + ">";
}

void set_sink(Sink sink) {
    std::lock_guard lock(g_mutex);
    g_sink = std::move(sink);
}

std::string format(Level level, std::string_view event, std::initializer_list<Field> fields) {
    std::string line = "level=";
    line += level_name(level);
    line += " event=";
    line += event;
    for (const auto& field : fields) {
        line += ' ';
        line += field.key;
        line += '=';
        append_value(line, field.value);
    }
    return line;
}

void event(Level level, std::string_view event, std::initializer_list<Field> fields) {
    std::lock_guard lock(g_mutex);
    if (level < g_options.min_level) return;
    const std::string line = format(level, event, fields);
    if (g_sink) {
        g_sink(level, line);
        return;
    }
    if (g_options.to_stderr && g_options.priority_prefix)
        std::fprintf(stderr, "<%d>%s\n", syslog_priority(level), line.c_str());
    else if (g_options.to_stderr)
        std::fprintf(stderr, "%s\n", line.c_str());
    if (g_options.to_syslog) syslog(syslog_priority(level), "%s", line.c_str());
}

}  // namespace dk::log
