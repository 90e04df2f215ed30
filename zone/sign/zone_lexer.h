// Splits zone-file text into logical lines (RFC 1035 5.1): comments dropped, parentheses
// joined across line ends, quotes and backslash escapes kept as they are. A plain line is handed
// out as a view of the text; only lines with parentheses are copied.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dk::zone::sign {

struct LogicalLine {
    std::string_view text;   // without comment and parentheses; may start with blanks
    std::uint32_t line = 0;  // where it starts (1-based, counting from the lexer's first line)
};

class ZoneLexer {
  public:
    ZoneLexer(std::string_view text, std::uint32_t first_line) : text_(text), line_(first_line) {}

    // The next line that is not blank; false at the end. An unbalanced parenthesis or quote
    // ends the line where the text ends; `problem` says so.
    bool next(LogicalLine& out);
    [[nodiscard]] const std::string& problem() const { return problem_; }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;
    std::uint32_t line_;
    std::string joined_;
    std::string problem_;
};

// True when the logical line has nothing but blanks.
bool is_blank(std::string_view text);

}  // namespace dk::zone::sign
