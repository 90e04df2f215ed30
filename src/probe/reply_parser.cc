#include "probe/reply_parser.h"

#include <cctype>
#include <utility>

#include "base/strings.h"

namespace dk::probe {

LineParse parse_line(std::string_view buffer) {
    LineParse out;
    const auto end = buffer.find('\n');
    if (end == std::string_view::npos) {
        if (buffer.size() > max_line) {
            out.state = ParseState::error;
            out.error = "line longer than " + std::to_string(max_line) + " bytes";
        }
        return out;
    }
    if (end > max_line) {
        out.state = ParseState::error;
        out.error = "line longer than " + std::to_string(max_line) + " bytes";
        return out;
    }
    std::string_view line = buffer.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.state = ParseState::complete;
    out.line = std::string(line);
    out.consumed = end + 1;
    return out;
}

SmtpParse parse_smtp_reply(std::string_view buffer) {
    SmtpParse out;
    std::size_t offset = 0;
    while (true) {
        if (offset > max_reply) {
            out.state = ParseState::error;
            out.error = "reply longer than " + std::to_string(max_reply) + " bytes";
            return out;
        }
        LineParse line = parse_line(buffer.substr(offset));
        if (line.state != ParseState::complete) {
            out.state = line.state;
            out.error = line.error;
            return out;
        }
        const std::string& text = line.line;
        if (text.size() < 3 || !std::isdigit(static_cast<unsigned char>(text[0])) ||
            !std::isdigit(static_cast<unsigned char>(text[1])) ||
            !std::isdigit(static_cast<unsigned char>(text[2])) ||
            (text.size() > 3 && text[3] != ' ' && text[3] != '-')) {
            out.state = ParseState::error;
            out.error = "not an SMTP reply line: '" + printable(text.substr(0, 40)) + "'";
            return out;
        }
        const int code = std::stoi(text.substr(0, 3));
        if (out.reply.code != 0 && code != out.reply.code) {
            out.state = ParseState::error;
            out.error = "reply code changed inside a multi-line reply";
            return out;
        }
        out.reply.code = code;
        out.reply.lines.push_back(text.size() > 4 ? text.substr(4) : "");
        offset += line.consumed;
        if (text.size() == 3 || text[3] == ' ') {
            out.state = ParseState::complete;
            out.consumed = offset;
            return out;
        }
    }
}

std::string quoted_reply(std::string_view line) {
    return printable(line.substr(0, 80));
}

ParseState LineDialogueReader::fail(std::string message) {
    error_ = std::move(message);
    return state_ = ParseState::error;
}

ParseState LineDialogueReader::take(std::string_view bytes) {
    if (state_ != ParseState::need_more) return state_;
    buffer_.append(bytes);
    for (;;) {
        LineParse parsed = parse_line(buffer_);
        if (parsed.state == ParseState::error) return fail(parsed.error);
        if (parsed.state == ParseState::need_more) return state_;
        buffer_.erase(0, parsed.consumed);
        const std::string& line = parsed.line;
        const std::string quoted = quoted_reply(line);
        if (!greeted_) {
            if (!line.starts_with(dialogue_.greeting_ok)) return fail("greeting: " + quoted);
            greeted_ = true;
            continue;
        }
        // IMAP may send untagged lines first; the tagged answer decides.
        if (line.starts_with("* ")) {
            if (++answer_lines_ == 16) return fail("no answer to STARTTLS");
            continue;
        }
        if (!line.starts_with(dialogue_.go_ahead)) return fail("STARTTLS refused: " + quoted);
        // Bytes queued behind the go-ahead would be read as if they came over TLS (CVE-2011-0411).
        if (!buffer_.empty()) return fail("data after the go-ahead to STARTTLS");
        return state_ = ParseState::complete;
    }
}

}  // namespace dk::probe
