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

// The server's words in a problem: cut short, and escaped so they cannot drive a terminal.
std::string quoted_reply(std::string_view line);

// The server's side of an IMAP (RFC 3501) or POP3 (RFC 2595) STARTTLS dialogue: a greeting
// starting with greeting_ok, then, after our command, up to 16 untagged "* " lines and the answer,
// which starts with go_ahead and is the last byte the server may send before TLS.
struct LineDialogue {
    const char* greeting_ok;
    const char* go_ahead;
};
inline constexpr LineDialogue imap_dialogue{"* OK", "a1 OK"};
inline constexpr LineDialogue pop3_dialogue{"+OK", "+OK"};

// Reads that dialogue from the bytes as they arrive, in pieces of any size.
class LineDialogueReader {
  public:
    explicit LineDialogueReader(LineDialogue dialogue) : dialogue_(dialogue) {}
    // Takes more bytes. need_more: wait for the server; complete: TLS may start; error: error().
    ParseState take(std::string_view bytes);
    // The greeting was accepted: our command is due (and failures are the STARTTLS stage's).
    [[nodiscard]] bool greeted() const { return greeted_; }
    [[nodiscard]] const std::string& error() const { return error_; }

  private:
    ParseState fail(std::string message);
    LineDialogue dialogue_;
    std::string buffer_;
    bool greeted_ = false;
    int answer_lines_ = 0;
    ParseState state_ = ParseState::need_more;
    std::string error_;
};

}  // namespace dk::probe
