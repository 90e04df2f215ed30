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

bool offers_starttls(const SmtpReply& ehlo) {
    return std::any_of(ehlo.lines.begin(), ehlo.lines.end(), [](const std::string& text) {
        const std::string line = upper(text);
        return line == "STARTTLS" || line.starts_with("STARTTLS ");
    });
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

std::optional<DialogueFailure> line_protocol(Connection& conn, LineDialogue dialogue,
                                             const std::string& command, Deadline deadline) {
    LineDialogueReader reader(dialogue);
    std::string received;
    bool command_sent = false;
    for (;;) {
        const ParseState state = reader.take(received);
        received.clear();
        if (reader.greeted() && !command_sent) {
            if (auto s = conn.send_all(command, deadline); !s.ok())
                return DialogueFailure{Stage::starttls, s.error()};
            command_sent = true;
        }
        const Stage stage = reader.greeted() ? Stage::starttls : Stage::banner;
        if (state == ParseState::complete) return std::nullopt;
        if (state == ParseState::error)
            return DialogueFailure{stage, Error::check_failed(reader.error())};
        if (auto s = conn.receive_some(received, deadline); !s.ok())
            return DialogueFailure{stage, s.error()};
    }
}

}  // namespace

std::optional<DialogueFailure> start_tls(Connection& conn, TlsStart start,
                                         const std::string& ehlo_name, Deadline deadline) {
    switch (start) {
        case TlsStart::smtp:
            return smtp(conn, ehlo_name, deadline);
        case TlsStart::imap:
            return line_protocol(conn, imap_dialogue, "a1 STARTTLS\r\n", deadline);
        case TlsStart::pop3:
            return line_protocol(conn, pop3_dialogue, "STLS\r\n", deadline);
        case TlsStart::implicit:
            return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace dk::probe
