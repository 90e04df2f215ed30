#include "zone/tsig_key.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <utility>

#include "base/base64.h"
#include "base/files.h"
#include "base/ldns_handles.h"
#include "base/log.h"
#include "base/strings.h"

namespace dk::zone {
namespace {

// The algorithms we sign with, as ldns and the TSIG RR spell their names.
constexpr std::pair<TsigAlgorithm, std::string_view> tsig_algorithms[] = {
    {TsigAlgorithm::hmac_sha256, "hmac-sha256."},
    {TsigAlgorithm::hmac_sha512, "hmac-sha512."},
    {TsigAlgorithm::hmac_sha1, "hmac-sha1."}};

struct Token {
    enum class Kind { word, string, open, close, semicolon, end } kind;
    std::string text;  // words and strings only
    int line = 0;
};

// Splits a named.conf-style text into tokens, skipping #, // and /* */ comments.
class Lexer {
  public:
    Lexer(std::string_view text, std::string_view source) : text_(text), source_(source) {}

    Result<Token> next() {
        DK_TRY_STATUS(skip_space_and_comments());
        if (pos_ >= text_.size()) return Token{Token::Kind::end, {}, line_};
        const char c = text_[pos_];
        if (c == '{' || c == '}' || c == ';') {
            ++pos_;
            auto kind = c == '{'   ? Token::Kind::open
                        : c == '}' ? Token::Kind::close
                                   : Token::Kind::semicolon;
            return Token{kind, {}, line_};
        }
        if (c == '"') return quoted();
        return word();
    }

    [[nodiscard]] Error error(int line, const std::string& message) const {
        return Error::bad_input(std::string(source_) + ":" + std::to_string(line) + ": " + message);
    }

  private:
    Status skip_space_and_comments() {
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (c == '\n') ++line_;
            if (std::isspace(static_cast<unsigned char>(c)) != 0) {
                ++pos_;
            } else if (c == '#' || text_.substr(pos_, 2) == "//") {
                while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
            } else if (text_.substr(pos_, 2) == "/*") {
                const int start = line_;
                const auto end = text_.find("*/", pos_ + 2);
                if (end == std::string_view::npos) return error(start, "unterminated /* comment");
                line_ += static_cast<int>(std::count(text_.begin() + static_cast<long>(pos_),
                                                     text_.begin() + static_cast<long>(end), '\n'));
                pos_ = end + 2;
            } else {
                break;
            }
        }
        return {};
    }

    Result<Token> quoted() {
        const int start = line_;
        const auto end = text_.find('"', pos_ + 1);
        // The string may be a secret: never echo it.
        if (end == std::string_view::npos) return error(start, "unterminated quoted string");
        std::string_view body = text_.substr(pos_ + 1, end - pos_ - 1);
        if (body.find('\n') != std::string_view::npos) {
            return error(start, "quoted string spans lines");
        }
        pos_ = end + 1;
        return Token{Token::Kind::string, std::string(body), start};
    }

    Result<Token> word() {
        const auto start = pos_;
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (std::isspace(static_cast<unsigned char>(c)) != 0 || c == '{' || c == '}' ||
                c == ';' || c == '"') {
                break;
            }
            ++pos_;
        }
        return Token{Token::Kind::word, std::string(text_.substr(start, pos_ - start)), line_};
    }

    std::string_view text_;
    std::string_view source_;
    std::size_t pos_ = 0;
    int line_ = 1;
};

// Shown in errors only when it looks like an algorithm name, so a misplaced secret never is.
std::string printable_algorithm(const std::string& text) {
    const bool plain =
        text.size() <= 32 && std::all_of(text.begin(), text.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.';
        });
    return plain ? text : std::string("(unprintable)");
}

// The algorithm named in a key file: "hmac-sha256", with or without the trailing dot, any case.
std::optional<TsigAlgorithm> parse_algorithm(const std::string& text) {
    const std::string name = lower(absolute_name(text));
    const auto* it = std::find_if(std::begin(tsig_algorithms), std::end(tsig_algorithms),
                                  [&](const auto& entry) { return entry.second == name; });
    if (it == std::end(tsig_algorithms)) return std::nullopt;
    return it->first;
}

Result<std::string> normalise_key_name(const std::string& name) {
    const std::string absolute = absolute_name(lower(name));
    ldns::RdfPtr rdf(ldns_dname_new_frm_str(absolute.c_str()));
    if (!rdf || absolute.size() < 2) return Error::bad_input("invalid key name \"" + name + "\"");
    return absolute;
}

class KeyParser {
  public:
    KeyParser(std::string_view text, std::string_view source) : lex_(text, source) {}

    Result<std::vector<TsigKey>> parse_all() {
        std::vector<TsigKey> keys;
        for (;;) {
            DK_TRY(Token t, lex_.next());
            if (t.kind == Token::Kind::end) break;
            if (t.kind == Token::Kind::word && lower(t.text) == "key") {
                DK_TRY(TsigKey key, key_block(t.line));
                keys.push_back(std::move(key));
            } else {
                DK_TRY_STATUS(skip_statement(t));  // e.g. rndc.conf's options { ... };
            }
        }
        return keys;
    }

  private:
    Result<TsigKey> key_block(int line) {
        DK_TRY(Token name, lex_.next());
        if (name.kind != Token::Kind::string && name.kind != Token::Kind::word) {
            return lex_.error(line, "key without a name");
        }
        auto key_name = normalise_key_name(name.text);
        if (!key_name.ok()) return lex_.error(name.line, key_name.error().message);
        DK_TRY_STATUS(expect(Token::Kind::open, "'{' after key name"));
        std::optional<TsigAlgorithm> algorithm;
        std::optional<std::string> secret;
        for (;;) {
            DK_TRY(Token t, lex_.next());
            if (t.kind == Token::Kind::close) break;
            if (t.kind == Token::Kind::end) return lex_.error(line, "unterminated key block");
            if (t.kind != Token::Kind::word) return lex_.error(t.line, "expected a statement");
            DK_TRY(Token value, lex_.next());
            const std::string field = lower(t.text);
            if (value.kind != Token::Kind::word && value.kind != Token::Kind::string) {
                return lex_.error(t.line, field + " without a value");
            }
            if (field == "algorithm") {
                algorithm = parse_algorithm(value.text);
                if (!algorithm) {
                    return lex_.error(t.line, "unknown algorithm " +
                                                  printable_algorithm(value.text) +
                                                  " (use hmac-sha256 or hmac-sha512)");
                }
            } else if (field == "secret") {
                if (!is_base64(value.text)) {
                    return lex_.error(t.line,
                                      "secret of key " + *key_name + " is not valid base64");
                }
                secret = value.text;
            } else {
                return lex_.error(t.line, "unknown key statement " + printable_algorithm(field));
            }
            DK_TRY_STATUS(expect(Token::Kind::semicolon, "';' after " + field));
        }
        DK_TRY_STATUS(expect(Token::Kind::semicolon, "';' after key block"));
        if (!algorithm) return lex_.error(line, "key " + *key_name + " has no algorithm");
        if (!secret) return lex_.error(line, "key " + *key_name + " has no secret");
        if (*algorithm == TsigAlgorithm::hmac_sha1) {
            log::warn("tsig.weak_algorithm", {{"key", *key_name}, {"algorithm", "hmac-sha1"}});
        }
        return TsigKey{std::move(*key_name), *algorithm, *secret};
    }

    Status expect(Token::Kind kind, const std::string& what) {
        DK_TRY(Token t, lex_.next());
        if (t.kind != kind) return lex_.error(t.line, "expected " + what);
        return {};
    }

    // Skips a statement we do not use, braces balanced, up to its ';'.
    Status skip_statement(const Token& first) {
        int depth = first.kind == Token::Kind::open ? 1 : 0;
        if (first.kind == Token::Kind::semicolon) return {};
        for (;;) {
            DK_TRY(Token t, lex_.next());
            if (t.kind == Token::Kind::end) return lex_.error(first.line, "unterminated statement");
            if (t.kind == Token::Kind::open) ++depth;
            if (t.kind == Token::Kind::close && --depth < 0) {
                return lex_.error(t.line, "unbalanced '}'");
            }
            if (t.kind == Token::Kind::semicolon && depth == 0) return {};
        }
    }

    Lexer lex_;
};

}  // namespace

std::string_view tsig_algorithm_name(TsigAlgorithm algorithm) {
    const auto* it = std::find_if(std::begin(tsig_algorithms), std::end(tsig_algorithms),
                                  [&](const auto& entry) { return entry.first == algorithm; });
    return it != std::end(tsig_algorithms) ? it->second : "hmac-sha256.";
}

Result<std::vector<TsigKey>> parse_tsig_keys(std::string_view text, std::string_view source) {
    KeyParser parser(text, source);
    DK_TRY(auto keys, parser.parse_all());
    if (keys.empty()) return Error::bad_input(std::string(source) + ": no key block found");
    return keys;
}

Result<TsigKey> select_tsig_key(const std::vector<TsigKey>& keys,
                                const std::optional<std::string>& name, std::string_view source) {
    if (!name) {
        if (keys.size() == 1) return keys.front();
        return Error::bad_input(std::string(source) + ": holds " + std::to_string(keys.size()) +
                                " keys; choose one with --key-name");
    }
    DK_TRY(std::string wanted, normalise_key_name(*name));
    for (const auto& key : keys) {
        if (key.name == wanted) return key;
    }
    return Error::bad_input(std::string(source) + ": no key named " + wanted);
}

Result<TsigKey> load_tsig_key(const std::string& path, const std::optional<std::string>& name) {
    DK_TRY(std::string text, files::read_secret(path, 64 * 1024));
    auto keys = parse_tsig_keys(text, path);
    OPENSSL_cleanse(text.data(), text.size());
    if (!keys.ok()) return keys.error();
    auto key = select_tsig_key(*keys, name, path);
    for (auto& other : *keys)
        OPENSSL_cleanse(other.secret_base64.data(), other.secret_base64.size());
    return key;
}

}  // namespace dk::zone
