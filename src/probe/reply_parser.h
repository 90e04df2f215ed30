// Parses SMTP/IMAP/POP3 server replies from bytes. Pure and bounded: a line over max_line or a
// reply over max_reply bytes is an error, so a hostile server cannot make us buffer forever.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dk::probe {

inline constexpr std::size_t max_line = 2048;
inline constexpr std::size_t max_reply = 64 * 1024;

struct SmtpReply {
    int code = 0;
    std::vector<std::string> lines;  // text after "NNN-" / "NNN "
};

enum class ParseState { complete, need_more, error };

struct SmtpParse {
    ParseState state = ParseState::need_more;
    SmtpReply reply;
    std::size_t consumed = 0;  // bytes of the buffer the complete reply used
    std::string error;
};

// One complete (possibly multi-line) SMTP reply at the start of `buffer` (RFC 5321 4.2).
SmtpParse parse_smtp_reply(std::string_view buffer);

// One CRLF-terminated line at the start of `buffer` (IMAP/POP3); consumed includes the CRLF.
struct LineParse {
    ParseState state = ParseState::need_more;
    std::string line;
    std::size_t consumed = 0;
    std::string error;
};
LineParse parse_line(std::string_view buffer);

}  // namespace dk::probe
