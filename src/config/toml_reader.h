// Typed, problem-collecting access to toml++ tables: the parser asks for each key by type and
// every wrong type, missing or unknown key becomes one "SOURCE:LINE: FIELD: problem" line.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dk::config {

// Text from the file made safe for a one-line message: control bytes become \xNN.
std::string printable(std::string_view text);

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

// One TOML table; FIELD names are prefix + key, e.g. "key[0].endpoints".
class Table {
  public:
    Table(const toml::table& table, std::string prefix, Problems& problems)
        : table_(table), prefix_(std::move(prefix)), problems_(problems) {}

    std::optional<std::string> string(std::string_view key, bool required);
    // A string that must be an absolute path (a daemon's working directory is no anchor).
    std::optional<std::string> path(std::string_view key, bool required);
    std::optional<long long> integer(std::string_view key, long long min, long long max);
    std::optional<std::vector<std::string>> strings(std::string_view key, bool required);
    [[nodiscard]] const toml::node* node(std::string_view key) const { return table_.get(key); }
    // The table found under key, reporting into the same problems with FIELD "prefix.key.".
    [[nodiscard]] Table nested(const toml::table& inner, std::string_view key) const {
        return Table(inner, field(key) + ".", problems_);
    }

    // Reports a problem at the key's own line (or the table's when the key is absent).
    void problem(std::string_view key, std::string_view text);
    void report_unknown(std::initializer_list<std::string_view> known);

    [[nodiscard]] std::string field(std::string_view key) const {
        return prefix_ + std::string(key);
    }
    [[nodiscard]] std::uint32_t line() const { return table_.source().begin.line; }

  private:
    const toml::node* get(std::string_view key, bool required);

    const toml::table& table_;
    std::string prefix_;
    Problems& problems_;
};

}  // namespace dk::config
