#include "mtasts/sts_record.h"

#include "base/strings.h"

namespace dk::mtasts {
namespace {

bool alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// A TXT string longer than this is no STS record we read (one record is a few dozen bytes).
constexpr std::size_t max_record_bytes = 1024;
constexpr std::size_t max_records = 64;

}  // namespace

bool valid_id(std::string_view id) {
    if (id.empty() || id.size() > 32) return false;
    for (const char c : id) {
        if (!alnum(c)) return false;
    }
    return true;
}

Result<std::string> sts_record_text(std::string_view id) {
    if (!valid_id(id)) return Error::bad_input("MTA-STS id is not 1 to 32 letters or digits");
    return "v=STSv1; id=" + std::string(id);
}

bool is_sts_record(std::string_view txt) {
    return txt.starts_with("v=STSv1");
}

Result<std::string> parse_sts_record(std::string_view txt) {
    if (txt.size() > max_record_bytes) return Error::bad_input("STS record longer than 1024 bytes");
    if (!txt.starts_with("v=STSv1"))
        return Error::bad_input("STS record does not start with v=STSv1");
    txt.remove_prefix(7);
    std::string id;
    bool first = true;
    while (!txt.empty()) {
        const auto semi = txt.find(';');
        const std::string_view field = trim(txt.substr(0, semi));
        txt.remove_prefix(semi == std::string_view::npos ? txt.size() : semi + 1);
        if (first) {  // what followed "v=STSv1" up to the first ';' must be nothing but space
            first = false;
            if (!field.empty()) return Error::bad_input("STS record: v=STSv1 not followed by ';'");
            continue;
        }
        if (field.empty()) {
            if (txt.empty()) break;  // a trailing ';'
            return Error::bad_input("STS record: empty field");
        }
        const auto eq = field.find('=');
        if (eq == std::string_view::npos || eq == 0)
            return Error::bad_input("STS record: field without name=value");
        const std::string_view name = field.substr(0, eq);
        const std::string_view value = field.substr(eq + 1);
        if (name == "id") {
            if (!id.empty()) return Error::bad_input("STS record: id given twice");
            if (!valid_id(value))
                return Error::bad_input("STS record: id is not 1 to 32 letters or digits");
            id = std::string(value);
        }
    }
    if (id.empty()) return Error::bad_input("STS record: no id field");
    return id;
}

Result<std::string> sts_id_of(const std::vector<std::string>& txt_strings) {
    if (txt_strings.size() > max_records) return Error::check_failed("too many TXT records");
    std::vector<std::string_view> sts;
    for (const auto& s : txt_strings) {
        if (is_sts_record(s)) sts.push_back(s);
    }
    if (sts.empty()) return Error::check_failed("no v=STSv1 TXT record");
    if (sts.size() > 1)
        return Error::check_failed(std::to_string(sts.size()) +
                                   " v=STSv1 TXT records (senders then use none)");
    auto id = parse_sts_record(sts.front());
    if (!id.ok()) return Error::check_failed(id.error().message);
    return *id;
}

}  // namespace dk::mtasts
