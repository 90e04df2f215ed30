// README's and the man page's key lists are the schema's (config/schema.h), row for row: a key
// added, renamed, re-ranged, re-defaulted or re-described in one place and not the others fails
// here, and the failure prints the text to paste.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config/schema.h"

namespace dk::config {
namespace {

using schema::Key;

std::vector<std::string> lines_of_file(const std::string& relative) {
    std::ifstream in(std::string(DK_SOURCE_DIR) + "/" + relative);
    EXPECT_TRUE(in.good()) << relative;
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines) text += line + "\n";
    return text;
}

std::string header_of(const Key& key) {
    for (const auto& section : schema::sections) {
        if (section.name == key.section) return std::string(section.header);
    }
    return "";
}

std::string qualified_name(const Key& key) {
    const std::string header = header_of(key);
    return header.empty() ? std::string(key.name) : header + " " + std::string(key.name);
}

// "0..86400", or the choices; each value through code().
template <typename Code>
std::string range_text(const Key& key, Code code) {
    if (key.type == schema::Type::integer)
        return std::to_string(key.min) + ".." + std::to_string(key.max);
    std::string text;
    for (const auto choice : schema::choices_of(key))
        text += (text.empty() ? "" : ", ") + code(std::string(choice));
    return text;
}

// The key's meaning, led by where it applies when that is not every table of its section.
std::string meaning_text(const Key& key) {
    switch (key.only) {
        case schema::Only::anywhere:
            return std::string(key.meaning);
        case schema::Only::signed_file:
            return "`signed-file` only: " + std::string(key.meaning);
        case schema::Only::mta_sts:
            return "with `mta_sts_mode` only: " + std::string(key.meaning);
        case schema::Only::managed_keys:
            return "`signed-file` without `keys_dir` only: " + std::string(key.meaning);
    }
    return "";
}

// --- README: one table row per key ---

std::string markdown_code(const std::string& text) {
    return "`" + text + "`";
}

std::string markdown_row(const Key& key) {
    const std::string fallback =
        key.fallback.empty() ? std::string(key.absent) : markdown_code(std::string(key.fallback));
    return "| " + markdown_code(qualified_name(key)) + " | " +
           std::string(schema::type_name(key.type)) + " | " + fallback + " | " +
           range_text(key, markdown_code) + " | " + meaning_text(key) + " |";
}

const std::string readme_header = "| key | type | default | range | meaning |";

// The rows of the key table in README's "## Configuration".
std::vector<std::string> readme_rows() {
    const auto lines = lines_of_file("README.md");
    std::vector<std::string> rows;
    bool in_section = false;
    bool in_table = false;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].starts_with("## ")) in_section = lines[i] == "## Configuration";
        if (!in_section) continue;
        if (lines[i] == readme_header) {
            in_table = true;
            ++i;  // the | --- | line
            continue;
        }
        if (in_table && !lines[i].starts_with("|")) break;
        if (in_table) rows.push_back(lines[i]);
    }
    return rows;
}

TEST(ConfigSchemaDocs, ReadmeKeyTableIsTheSchema) {
    std::vector<std::string> expected;
    for (const Key& key : schema::keys) expected.push_back(markdown_row(key));
    EXPECT_EQ(readme_rows(), expected)
        << "README.md \"## Configuration\" should hold:\n"
        << readme_header << "\n| --- | ---- | ------- | ----- | ------- |\n"
        << joined(expected);
}

// --- danekeeper.toml(5): one .TP entry per key in KEYS ---

// Text for groff: `code` in bold, '-' as a minus-hyphen so that names copy as typed.
std::string roff(std::string_view text) {
    std::string out;
    bool bold = false;
    for (const char c : text) {
        if (c == '`') {
            out += bold ? "\\fR" : "\\fB";
            bold = !bold;
        } else if (c == '-') {
            out += "\\-";
        } else {
            out += c;
        }
    }
    return out;
}

std::string roff_code(const std::string& text) {
    return roff("`" + text + "`");
}

std::vector<std::string> man_entry(const Key& key) {
    std::string about = std::string(schema::type_name(key.type));
    const std::string range = range_text(key, roff_code);
    if (!range.empty()) about += (key.choices.empty() ? ", " : ", one of ") + range;
    if (!key.fallback.empty())
        about += ", default " + roff_code(std::string(key.fallback));
    else if (key.absent.starts_with("required"))
        about += ", " + roff(key.absent);
    else
        about += ", default: " + roff(key.absent);
    return {".TP", ".B " + roff(qualified_name(key)), "(" + about + ") " + roff(meaning_text(key))};
}

// The .TP entries of danekeeper.toml(5)'s KEYS section (its introduction is free text).
std::vector<std::string> man_entries() {
    const auto lines = lines_of_file("man/danekeeper.toml.5");
    std::vector<std::string> entries;
    bool in_section = false;
    bool in_entries = false;
    for (const auto& line : lines) {
        if (line.starts_with(".SH ")) in_section = line == ".SH KEYS";
        if (in_section && line == ".TP") in_entries = true;
        if (in_section && in_entries) entries.push_back(line);
    }
    return entries;
}

TEST(ConfigSchemaDocs, ManPageKeyListIsTheSchema) {
    std::vector<std::string> expected;
    for (const Key& key : schema::keys) {
        for (auto& line : man_entry(key)) expected.push_back(std::move(line));
    }
    EXPECT_EQ(man_entries(), expected) << "man/danekeeper.toml.5 .SH KEYS should hold:\n"
                                       << joined(expected);
}

}  // namespace
}  // namespace dk::config
