#include "config/toml_reader.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "base/strings.h"

namespace dk::config {

void Problems::add_at(std::uint32_t line, std::string_view field, std::string_view problem) {
    if (!text_.empty()) text_ += '\n';
    text_ += printable(source_) + ":" + std::to_string(line) + ": " + printable(field) + ": " +
             printable(problem);
}

const toml::node* Table::get(std::string_view key, bool required) {
    const toml::node* node = table_.get(key);
    if (node == nullptr && required) problems_.add(table_.source(), field(key), "is required");
    return node;
}

void Table::problem(std::string_view key, std::string_view text) {
    const toml::node* at = table_.get(key);
    problems_.add(at != nullptr ? at->source() : table_.source(), field(key), text);
}

std::optional<std::string> Table::string(std::string_view key, bool required) {
    const toml::node* node = get(key, required);
    if (node == nullptr) return std::nullopt;
    if (auto v = node->value<std::string>()) return *v;
    problems_.add(node->source(), field(key), "must be a string");
    return std::nullopt;
}

std::optional<std::string> Table::path(std::string_view key, bool required) {
    auto text = string(key, required);
    if (text && (text->empty() || text->front() != '/')) {
        problem(key, "must be an absolute path");
        return std::nullopt;
    }
    return text;
}

const schema::Key& Table::spec(std::string_view key) const {
    const schema::Key* found = schema::find(section_, key);
    if (found == nullptr) {
        std::fprintf(stderr, "config schema: no key '%.*s' in section '%.*s'\n",
                     static_cast<int>(key.size()), key.data(), static_cast<int>(section_.size()),
                     section_.data());
        std::abort();
    }
    return *found;
}

long long Table::integer(std::string_view key) {
    const schema::Key& k = spec(key);
    const long long fallback = schema::integer_of(k.fallback);
    const toml::node* node = get(key, false);
    if (node == nullptr) return fallback;
    auto v = node->value<long long>();
    if (!v || !node->is_integer()) {
        problems_.add(node->source(), field(key), "must be an integer");
        return fallback;
    }
    if (*v < k.min || *v > k.max) {
        problems_.add(node->source(), field(key),
                      "must be between " + std::to_string(k.min) + " and " + std::to_string(k.max));
        return fallback;
    }
    return *v;
}

bool Table::boolean(std::string_view key) {
    const bool fallback = spec(key).fallback == "true";
    const toml::node* node = get(key, false);
    if (node == nullptr) return fallback;
    if (auto v = node->value<bool>(); v && node->is_boolean()) return *v;
    problem(key, "must be true or false");
    return fallback;
}

std::string Table::choice(std::string_view key) {
    auto value = string(key, false).value_or(std::string(spec(key).fallback));
    check_choice(key, value);
    return value;
}

void Table::check_choice(std::string_view key, const std::string& value) {
    const auto choices = schema::choices_of(spec(key));
    if (std::find(choices.begin(), choices.end(), value) == choices.end())
        problem(key, schema::choice_problem(spec(key)));
}

std::optional<std::vector<std::string>> Table::strings(std::string_view key, bool required) {
    const toml::node* node = get(key, required);
    if (node == nullptr) return std::nullopt;
    const toml::array* array = node->as_array();
    std::vector<std::string> out;
    for (std::size_t i = 0; array != nullptr && i < array->size(); ++i) {
        auto s = array->get(i)->value<std::string>();
        if (!s) break;
        out.push_back(*s);
    }
    if (array == nullptr || out.size() != array->size()) {
        problems_.add(node->source(), field(key), "must be an array of strings");
        return std::nullopt;
    }
    return out;
}

void Table::report_unknown() {
    for (const auto& [key, value] : table_) {
        bool known = schema::find(section_, key.str()) != nullptr;
        for (const auto& section : schema::sections)
            known |= section_.empty() && section.name == key.str();
        if (!known) problems_.add(value.source(), field(key.str()), "unknown key (misspelt?)");
    }
}

}  // namespace dk::config
