#include "probe/starttls.h"

#include <algorithm>
#include <cctype>

#include "base/strings.h"
#include "probe/reply_parser.h"

namespace dk::probe {
namespace {

// Receives until `parse` finds a whole item at the front of the buffer, and takes it off.
template <typename Parsed, typename Item>
Result<Item> read_item(Connection& conn, std::string& buffer, Deadline deadline,
                       Parsed (*parse)(std::string_view), Item Parsed::*item) {
    while (true) {
        Parsed parsed = parse(buffer);
        if (parsed.state == ParseState::complete) {
            buffer.erase(0, parsed.consumed);
            return std::move(parsed.*item);
        }
        if (parsed.state == ParseState::error) return Error::check_failed(parsed.error);
        DK_TRY_STATUS(conn.receive_some(buffer, deadline));
    }
}

Result<SmtpReply> read_smtp_reply(Connection& conn, std::string& buffer, Deadline deadline) {
    return read_item(conn, buffer, deadline, parse_smtp_reply, &SmtpParse::reply);
}

Result<std::string> read_line(Connection& conn, std::string& buffer, Deadline deadline) {
    return read_item(conn, buffer, deadline, parse_line, &LineParse::line);
}

bool offers_starttls(const SmtpReply& ehlo) {
    return std::any_of(ehlo.lines.begin(), ehlo.lines.end(), [](const std::string& text) {
        const std::string line = upper(text);
        return line == "STARTTLS" || line.starts_with("STARTTLS ");
    });
}

// The server's words in a problem: cut short, and escaped so they cannot drive a terminal.
std::string quoted_reply(const std::string& line) {
    return printable(line.substr(0, 80));
}

std::string summary(const SmtpReply& r) {
    return std::to_string(r.code) + " " + (r.lines.empty() ? "" : quoted_reply(r.lines.back()));
}

// Plain-text bytes queued behind the go-ahead would be read as if they came over TLS (the
// STARTTLS command injection class, CVE-2011-0411): refuse them.
std::optional<DialogueFailure> refuse_pipelined(const std::string& buffer, const char* go_ahead) {
    if (buffer.empty()) return std::nullopt;
    return DialogueFailure{
        Stage::starttls,
        Error::check_failed("data after the " + std::string(go_ahead) + " to STARTTLS")};
}

std::optional<DialogueFailure> smtp(Connection& conn, const std::string& ehlo_name,
                                    Deadline deadline) {
    std::string buffer;
    auto banner = read_smtp_reply(conn, buffer, deadline);
    if (!banner.ok()) return DialogueFailure{Stage::banner, banner.error()};
    if (banner->code != 220)
        return DialogueFailure{Stage::banner, Error::check_failed("banner: " + summary(*banner))};
    if (auto s = conn.send_all("EHLO " + ehlo_name + "\r\n", deadline); !s.ok())
        return DialogueFailure{Stage::ehlo, s.error()};
    auto ehlo = read_smtp_reply(conn, buffer, deadline);
    if (!ehlo.ok()) return DialogueFailure{Stage::ehlo, ehlo.error()};
    if (ehlo->code != 250)
        return DialogueFailure{Stage::ehlo, Error::check_failed("EHLO: " + summary(*ehlo))};
    if (!offers_starttls(*ehlo))
        return DialogueFailure{Stage::starttls, Error::check_failed("STARTTLS not offered")};
    if (auto s = conn.send_all("STARTTLS\r\n", deadline); !s.ok())
        return DialogueFailure{Stage::starttls, s.error()};
    auto go = read_smtp_reply(conn, buffer, deadline);
    if (!go.ok()) return DialogueFailure{Stage::starttls, go.error()};
    if (go->code != 220)
        return DialogueFailure{Stage::starttls,
                               Error::check_failed("STARTTLS refused: " + summary(*go))};
    return refuse_pipelined(buffer, "220");
}

std::optional<DialogueFailure> line_protocol(Connection& conn, const char* greeting_ok,
                                             const std::string& command, const char* go_ok,
                                             Deadline deadline) {
    std::string buffer;
    auto greeting = read_line(conn, buffer, deadline);
    if (!greeting.ok()) return DialogueFailure{Stage::banner, greeting.error()};
    if (!greeting->starts_with(greeting_ok))
        return DialogueFailure{Stage::banner,
                               Error::check_failed("greeting: " + quoted_reply(*greeting))};
    if (auto s = conn.send_all(command, deadline); !s.ok())
        return DialogueFailure{Stage::starttls, s.error()};
    // IMAP may send untagged lines first; the tagged answer decides.
    for (int i = 0; i < 16; ++i) {
        auto line = read_line(conn, buffer, deadline);
        if (!line.ok()) return DialogueFailure{Stage::starttls, line.error()};
        if (line->starts_with("* ")) continue;
        if (line->starts_with(go_ok)) return refuse_pipelined(buffer, "go-ahead");
        return DialogueFailure{Stage::starttls,
                               Error::check_failed("STARTTLS refused: " + quoted_reply(*line))};
    }
    return DialogueFailure{Stage::starttls, Error::check_failed("no answer to STARTTLS")};
}

}  // namespace

std::optional<DialogueFailure> start_tls(Connection& conn, TlsStart start,
                                         const std::string& ehlo_name, Deadline deadline) {
    switch (start) {
        case TlsStart::smtp:
            return smtp(conn, ehlo_name, deadline);
        case TlsStart::imap:
            return line_protocol(conn, "* OK", "a1 STARTTLS\r\n", "a1 OK", deadline);
        case TlsStart::pop3:
            return line_protocol(conn, "+OK", "STLS\r\n", "+OK", deadline);
        case TlsStart::implicit:
            return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace dk::probe
