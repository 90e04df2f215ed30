// Expected failures as values, with the category that decides the exit code.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>

namespace dk {

// The exit-code convention every command follows (README, "Exit codes").
enum class ExitCode : int {
    ok = 0,
    check_failed = 1,  // what was checked failed: mismatch, unsafe, refused
    bad_input = 2,     // bad input or configuration
    environment = 3,   // network, DNS, server unreachable, timeout, local system failure
};

enum class ErrorKind {
    check_failed,  // a verification said no (mismatch, refused, unsafe)
    bad_input,     // the caller's input or configuration is wrong
    environment,   // the world failed us (network, DNS, timeouts, I/O)
};

struct Error {
    ErrorKind kind = ErrorKind::environment;
    std::string message;  // one line, names the file, field or server; never a secret
    // The world said when to try again (an ACME order held back by the CA's Retry-After or the
    // backoff after a refusal): the daemon does not wake for this failure before then.
    std::optional<std::chrono::system_clock::time_point> retry_not_before{};

    static Error check_failed(std::string msg) { return {ErrorKind::check_failed, std::move(msg)}; }
    static Error bad_input(std::string msg) { return {ErrorKind::bad_input, std::move(msg)}; }
    static Error environment(std::string msg) { return {ErrorKind::environment, std::move(msg)}; }

    // Prefix context ("file.pem: " + message), keeping the category.
    [[nodiscard]] Error context(const std::string& prefix) const {
        return {kind, prefix + ": " + message, retry_not_before};
    }
};

constexpr ExitCode exit_code_for(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::check_failed:
            return ExitCode::check_failed;
        case ErrorKind::bad_input:
            return ExitCode::bad_input;
        case ErrorKind::environment:
            return ExitCode::environment;
    }
    return ExitCode::environment;
}

constexpr int to_int(ExitCode code) {
    return static_cast<int>(code);
}

}  // namespace dk
