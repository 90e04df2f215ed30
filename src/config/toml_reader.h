// Typed, problem-collecting access to toml++ tables: the parser asks for each key by type and
// every wrong type, missing or unknown key becomes one "SOURCE:LINE: FIELD: problem" line.
// Defaults, ranges, choices and the known keys come from the schema (schema.h).
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/schema.h"

namespace dk::config {

// Collects problems with their position; parsing goes on after a problem so all are reported.
class Problems {
  public:
    explicit Problems(std::string source) : source_(std::move(source)) {}
    void add(const toml::source_region& where, std::string_view field, std::string_view problem) {
        add_at(where.begin.line, field, problem);
    }
    void add_at(std::uint32_t line, std::string_view field, std::string_view problem);
    [[nodiscard]] bool any() const { return !text_.empty(); }
    [[nodiscard]] const std::string& text() const { return text_; }

  private:
    std::string source_;
    std::string text_;
};

// One TOML table of a schema section ("" the top level, "zone", ...; see schema.h); FIELD names
// are prefix + key, e.g. "key[0].endpoints".
class Table {
  public:
    Table(const toml::table& table, std::string prefix, Problems& problems,
          std::string_view section)
        : table_(table), prefix_(std::move(prefix)), problems_(problems), section_(section) {}

    std::optional<std::string> string(std::string_view key, bool required);
    // A string that must be an absolute path (a daemon's working directory is no anchor).
    std::optional<std::string> path(std::string_view key, bool required);
    // The schema's integer key: a value outside its range is a problem; absent or wrong, its
    // default.
    long long integer(std::string_view key);
    // The schema's boolean key; absent or wrong, its default.
    bool boolean(std::string_view key);
    // The schema's string key with a fixed set of values; absent, its default. A value outside
    // the set is a problem and returned as written (check_choice checks one made canonical).
    std::string choice(std::string_view key);
    void check_choice(std::string_view key, const std::string& value);
    std::optional<std::vector<std::string>> strings(std::string_view key, bool required);
    [[nodiscard]] const toml::node* node(std::string_view key) const { return table_.get(key); }
    // The table found under key, reporting into the same problems with FIELD "prefix.key."; its
    // keys are the operator's (no schema section).
    [[nodiscard]] Table nested(const toml::table& inner, std::string_view key) const {
        return Table(inner, field(key) + ".", problems_, "");
    }

    // Reports a problem at the key's own line (or the table's when the key is absent).
    void problem(std::string_view key, std::string_view text);
    // Every key the schema does not know in this section (the top level: the sections too).
    void report_unknown();

    [[nodiscard]] std::string field(std::string_view key) const {
        return prefix_ + std::string(key);
    }
    [[nodiscard]] std::uint32_t line() const { return table_.source().begin.line; }

  private:
    const toml::node* get(std::string_view key, bool required);
    // This section's key in the schema; a key the schema lacks is our bug.
    [[nodiscard]] const schema::Key& spec(std::string_view key) const;

    const toml::table& table_;
    std::string prefix_;
    Problems& problems_;
    std::string_view section_;
};

}  // namespace dk::config
