// One line per event: a stable event name plus key=value fields, to stderr and syslog.
// Never pass a secret as a field value.
#pragma once

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace dk::log {

enum class Level { debug, info, warn, error, fatal, panic };

struct Field {
    std::string_view key;
    std::string value;
    Field(std::string_view k, std::string v) : key(k), value(std::move(v)) {}
    Field(std::string_view k, std::string_view v) : key(k), value(v) {}
    Field(std::string_view k, const char* v) : key(k), value(v) {}
    template <typename N>
    requires std::is_arithmetic_v<N> Field(std::string_view k, N v)
        : key(k), value(std::to_string(v)) {}
};

struct Options {
    Level min_level = Level::info;
    bool to_stderr = true;
    bool to_syslog = false;
    // Each stderr line starts with its syslog priority as "<N>" (sd-daemon(3)), which journald
    // takes as the line's priority.
    bool priority_prefix = false;
};

void configure(const Options& options);

// Whether JOURNAL_STREAM (as systemd sets it: "DEVICE:INODE") names the file open at fd, i.e.
// the process's output goes straight to journald.
bool journal_stream_is(const char* journal_stream, int fd);

// "<N>" for the level when stderr lines carry priorities, else "": for lines written to stderr
// beside the log (the one-line errors of the verbs).
std::string stderr_prefix(Level level);

// Formats "level=info event=NAME key=value ..." (values quoted when they need it).
std::string format(Level level, std::string_view event, std::initializer_list<Field> fields);

void event(Level level, std::string_view event, std::initializer_list<Field> fields = {});

inline void info(std::string_view e, std::initializer_list<Field> f = {}) {
    event(Level::info, e, f);
}
inline void warn(std::string_view e, std::initializer_list<Field> f = {}) {
    event(Level::warn, e, f);
}
inline void error(std::string_view e, std::initializer_list<Field> f = {}) {
    event(Level::error, e, f);
}
inline void debug(std::string_view e, std::initializer_list<Field> f = {}) {
    event(Level::debug, e, f);
}

// Tests capture lines instead of writing them.
using Sink = std::function<void(Level, const std::string&)>;
void set_sink(Sink sink);

}  // namespace dk::log
