#include "tlsrpt/mime.h"

#include <optional>
#include <vector>

#include "base/base64.h"
#include "base/strings.h"

namespace dk::tlsrpt {
namespace {

struct ContentType {
    std::string type;  // "multipart/mixed", lower case
    std::string boundary;
};

struct Part {
    ContentType content_type;
    std::string transfer_encoding;  // lower case; "" for 7bit
    std::string_view body;
};

// Splits header block and body at the first empty line (CRLF or LF); unfolds the header lines.
// nullopt when the header block runs past max_bytes.
std::optional<Part> split_part(std::string_view text, std::size_t max_bytes) {
    std::size_t end = std::string_view::npos;
    std::size_t body = 0;
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t nl = text.find('\n', at);
        const std::size_t line_end = nl == std::string_view::npos ? text.size() : nl;
        std::string_view line = text.substr(at, line_end - at);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) {
            end = at;
            body = nl == std::string_view::npos ? text.size() : nl + 1;
            break;
        }
        at = nl == std::string_view::npos ? text.size() : nl + 1;
        if (at > max_bytes) return std::nullopt;
    }
    if (end == std::string_view::npos) {  // headers only
        if (text.size() > max_bytes) return std::nullopt;
        end = text.size();
        body = text.size();
    }
    Part part{{"text/plain", ""}, "", text.substr(body)};
    std::vector<std::string> fields;
    for (std::size_t at = 0; at < end;) {
        std::size_t nl = text.find('\n', at);
        if (nl == std::string_view::npos || nl > end) nl = end;
        std::string_view line = text.substr(at, nl - at);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !fields.empty())
            fields.back() += " " + std::string(trim(line));
        else
            fields.emplace_back(line);
        at = nl + 1;
    }
    for (const std::string& field : fields) {
        const std::size_t colon = field.find(':');
        if (colon == std::string::npos) continue;
        const std::string name = lower(std::string(trim(std::string_view(field).substr(0, colon))));
        const std::string_view value = trim(std::string_view(field).substr(colon + 1));
        if (name == "content-transfer-encoding") part.transfer_encoding = lower(std::string(value));
        if (name != "content-type") continue;
        const std::size_t semi = value.find(';');
        part.content_type.type = lower(std::string(trim(value.substr(0, semi))));
        for (std::size_t at = semi; at != std::string_view::npos && at < value.size();) {
            const std::size_t next = value.find(';', at + 1);
            const std::string_view param = trim(value.substr(
                at + 1, next == std::string_view::npos ? std::string_view::npos : next - at - 1));
            at = next;
            const std::size_t eq = param.find('=');
            if (eq == std::string_view::npos ||
                lower(std::string(trim(param.substr(0, eq)))) != "boundary")
                continue;
            std::string_view b = trim(param.substr(eq + 1));
            if (b.size() >= 2 && b.front() == '"' && b.back() == '"') b = b.substr(1, b.size() - 2);
            part.content_type.boundary = std::string(b);
        }
    }
    return part;
}

// The bodies between "--boundary" lines, up to the closing "--boundary--".
std::optional<std::vector<std::string_view>> split_multipart(std::string_view body,
                                                             const std::string& boundary) {
    const std::string delimiter = "--" + boundary;
    std::vector<std::string_view> parts;
    std::optional<std::size_t> start;
    for (std::size_t at = 0; at <= body.size();) {
        const std::size_t nl = body.find('\n', at);
        const std::size_t line_end = nl == std::string_view::npos ? body.size() : nl;
        std::string_view line = body.substr(at, line_end - at);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.starts_with(delimiter)) {
            const std::string_view rest = trim(line.substr(delimiter.size()));
            if (rest.empty() || rest == "--") {
                if (start) {
                    std::size_t stop = at;  // the line break before the delimiter belongs to it
                    if (stop > *start && body[stop - 1] == '\n') --stop;
                    if (stop > *start && body[stop - 1] == '\r') --stop;
                    parts.push_back(body.substr(*start, stop - *start));
                }
                if (rest == "--") return parts;
                start = nl == std::string_view::npos ? body.size() : nl + 1;
            }
        }
        if (nl == std::string_view::npos) break;
        at = nl + 1;
    }
    return std::nullopt;  // no closing delimiter: cut short
}

bool is_report_type(const std::string& type) {
    return type == "application/tlsrpt+gzip" || type == "application/tlsrpt+json";
}

Result<std::string> decode_body(const Part& part) {
    const std::string& cte = part.transfer_encoding;
    if (cte.empty() || cte == "7bit" || cte == "8bit" || cte == "binary")
        return std::string(part.body);
    if (cte != "base64")
        return Error::bad_input("mail: the report part's transfer encoding '" + printable(cte) +
                                "' is not base64, 7bit, 8bit or binary");
    std::string packed;
    packed.reserve(part.body.size());
    for (const char c : part.body) {
        if (c != '\r' && c != '\n' && c != ' ' && c != '\t') packed.push_back(c);
    }
    std::string out;
    if (!append_base64_decoded(out, packed))
        return Error::bad_input("mail: the report part is not valid base64");
    return out;
}

struct Walk {
    const MimeLimits& limits;
    std::size_t parts = 0;
};

Result<std::optional<std::string>> find_report(std::string_view text, int depth, Walk& walk) {
    if (++walk.parts > walk.limits.max_parts)
        return Error::bad_input("mail: more than " + std::to_string(walk.limits.max_parts) +
                                " MIME parts");
    auto part = split_part(text, walk.limits.max_header_bytes);
    if (!part)
        return Error::bad_input("mail: a header block longer than " +
                                std::to_string(walk.limits.max_header_bytes) + " bytes");
    if (is_report_type(part->content_type.type)) {
        auto body = decode_body(*part);
        if (!body) return body.error();
        return std::optional<std::string>(std::move(*body));
    }
    if (!part->content_type.type.starts_with("multipart/")) return std::optional<std::string>{};
    if (depth >= walk.limits.max_depth)
        return Error::bad_input("mail: multipart nested deeper than " +
                                std::to_string(walk.limits.max_depth) + " levels");
    if (part->content_type.boundary.empty())
        return Error::bad_input("mail: a multipart part without a boundary");
    auto children = split_multipart(part->body, part->content_type.boundary);
    if (!children) return Error::bad_input("mail: a multipart part without its closing boundary");
    for (const std::string_view child : *children) {
        auto found = find_report(child, depth + 1, walk);
        if (!found || *found) return found;
    }
    return std::optional<std::string>{};
}

}  // namespace

Result<std::string> report_from_mail(std::string_view message, const MimeLimits& limits) {
    if (message.size() > limits.max_message_bytes)
        return Error::bad_input("mail: " + std::to_string(message.size()) +
                                " bytes, more than the limit of " +
                                std::to_string(limits.max_message_bytes));
    Walk walk{limits};
    auto found = find_report(message, 0, walk);
    if (!found) return found.error();
    if (!*found)
        return Error::bad_input("mail: no application/tlsrpt+gzip or application/tlsrpt+json part");
    return std::move(**found);
}

}  // namespace dk::tlsrpt
