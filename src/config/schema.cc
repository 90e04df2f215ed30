#include "config/schema.h"

namespace dk::config::schema {

std::string_view type_name(Type type) {
    switch (type) {
        case Type::string:
            return "string";
        case Type::path:
            return "path";
        case Type::integer:
            return "integer";
        case Type::boolean:
            return "boolean";
        case Type::strings:
            return "string list";
        case Type::server:
            return "IP:port";
        case Type::servers:
            return "IP:port list";
        case Type::argv_lists:
            return "argv lists";
        case Type::addresses:
            return "table";
    }
    return "?";
}

std::vector<std::string_view> choices_of(const Key& key) {
    std::vector<std::string_view> out;
    std::string_view rest = key.choices;
    while (!rest.empty()) {
        const auto space = rest.find(' ');
        out.push_back(rest.substr(0, space));
        rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
    }
    return out;
}

std::string choice_problem(const Key& key) {
    const auto choices = choices_of(key);
    // A long list reads better without quotes.
    const bool quoted = choices.size() <= 3;
    std::string text = quoted ? "must be " : "must be one of ";
    for (std::size_t i = 0; i < choices.size(); ++i) {
        if (i > 0) text += quoted && i + 1 == choices.size() ? " or " : ", ";
        text += quoted ? "\"" + std::string(choices[i]) + "\"" : std::string(choices[i]);
    }
    return text;
}

}  // namespace dk::config::schema
