#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

#include "db/store.h"

namespace dk::db {

std::string normalise_schema(const std::string& sql) {
    std::string no_comments;
    std::istringstream in(sql);
    std::string line;
    while (std::getline(in, line)) {
        const auto dash = line.find("--");
        no_comments += (dash == std::string::npos ? line : line.substr(0, dash)) + " ";
    }
    // Statements separated by ';' except inside trigger bodies (BEGIN ... END).
    std::vector<std::string> statements;
    std::string current;
    std::string word;
    int depth = 0;
    for (char c : no_comments) {
        current += c;
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
            word += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            continue;
        }
        if (word == "BEGIN") ++depth;
        if (word == "END" && depth > 0) --depth;
        word.clear();
        if (c == ';' && depth == 0) {
            statements.push_back(current);
            current.clear();
        }
    }
    for (auto& s : statements) {
        std::string squashed;
        bool space = false;
        for (char c : s) {
            if (std::isspace(static_cast<unsigned char>(c))) {
                space = true;
                continue;
            }
            if (space && !squashed.empty() && c != ')' && c != ',' && c != ';' &&
                squashed.back() != '(')
                squashed += ' ';
            space = false;
            squashed += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        s = squashed;
    }
    statements.erase(std::remove_if(statements.begin(), statements.end(),
                                    [](const std::string& s) { return s.empty() || s == ";"; }),
                     statements.end());
    std::sort(statements.begin(), statements.end());
    std::string out;
    for (const auto& s : statements) out += s + "\n";
    return out;
}

}  // namespace dk::db
