#include "zone/sign/zone_lexer.h"

namespace dk::zone::sign {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

// Plain: no character that needs the slow path (comment, parenthesis, quote, escape).
bool plain(std::string_view line) {
    // A plain loop: find_first_of searches the five characters once per character of the line.
    for (const char c : line) {
        if (c == ';' || c == '(' || c == ')' || c == '"' || c == '\\') return false;
    }
    return true;
}

}  // namespace

bool is_blank(std::string_view text) {
    for (const char c : text) {
        if (!is_space(c)) return false;
    }
    return true;
}

bool ZoneLexer::next(LogicalLine& out) {
    problem_.clear();
    while (pos_ < text_.size()) {
        const std::size_t end = text_.find('\n', pos_);
        const std::size_t stop = end == std::string_view::npos ? text_.size() : end;
        const std::string_view line = text_.substr(pos_, stop - pos_);
        const std::uint32_t start_line = line_;
        if (plain(line)) {
            pos_ = stop + 1;
            ++line_;
            if (is_blank(line)) continue;
            out = {line, start_line};
            return true;
        }
        // The slow path: walk characters, joining lines while a parenthesis is open.
        joined_.clear();
        int depth = 0;
        bool quoted = false;
        bool comment = false;
        std::size_t i = pos_;
        for (; i < text_.size(); ++i) {
            const char c = text_[i];
            if (c == '\n') {
                ++line_;
                comment = false;
                if (depth == 0 && !quoted) break;
                joined_.push_back(' ');
                continue;
            }
            if (comment) continue;
            if (c == '\\' && i + 1 < text_.size() && text_[i + 1] != '\n') {
                joined_.push_back(c);
                joined_.push_back(text_[++i]);
            } else if (c == '"') {
                quoted = !quoted;
                joined_.push_back(c);
            } else if (quoted) {
                joined_.push_back(c);
            } else if (c == ';') {
                comment = true;
            } else if (c == '(') {
                ++depth;
                joined_.push_back(' ');
            } else if (c == ')') {
                if (depth == 0) problem_ = "')' without '('";
                depth = depth > 0 ? depth - 1 : 0;
                joined_.push_back(' ');
            } else {
                joined_.push_back(c);
            }
        }
        pos_ = i + 1;
        if (i >= text_.size() && (depth > 0 || quoted))
            problem_ = depth > 0 ? "'(' without ')'" : "unterminated quoted string";
        if (is_blank(joined_) && problem_.empty()) continue;
        out = {joined_, start_line};
        return true;
    }
    return false;
}

}  // namespace dk::zone::sign
