// Runs a program by fork + execve with an argv list (never a shell), a clean environment plus
// DANEKEEPER_* variables, a timeout, and bounded capture of its output. The program runs in its
// own process group with an empty signal mask and default signal dispositions; its standard
// input is the request's input (a program that stops reading it does not stall the run). It is done
// when it exits (a backgrounded child holding its pipes does not keep it running); whatever is left
// of its group then gets SIGTERM, and SIGKILL one second later. At the timeout the whole group
// is ended the same way and the run fails, however the program treats its pipes.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace dk::process {

struct Request {
    std::vector<std::string> argv;                         // argv[0] is an absolute path
    std::vector<std::pair<std::string, std::string>> env;  // added to PATH, LANG
    std::chrono::milliseconds timeout{60'000};
    std::size_t max_output = 64 * 1024;  // per stream; the rest is dropped
    // Written to the program's standard input, which then reads end of file (/dev/null when
    // empty). Secrets go here, never into argv, which every local user can read in /proc.
    std::string input;
};

struct Completion {
    int exit_code = -1;  // -1 when killed by a signal
    int signal = 0;
    std::string out;
    std::string err;
};

// environment error when it cannot start or times out (its group is killed); the exit code is
// the caller's to judge.
Result<Completion> run(const Request& request);

}  // namespace dk::process
