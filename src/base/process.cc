#include "base/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dk::process {
namespace {

struct Pipe {
    int fds[2] = {-1, -1};
    Pipe() {
        if (::pipe2(fds, O_CLOEXEC) != 0) fds[0] = fds[1] = -1;
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    ~Pipe() {
        for (int fd : fds) {
            if (fd >= 0) ::close(fd);
        }
    }
    void close_end(int i) {
        if (fds[i] >= 0) ::close(fds[i]);
        fds[i] = -1;
    }
};

[[noreturn]] void exec_child(const Request& r, Pipe& out, Pipe& err) {
    ::dup2(out.fds[1], STDOUT_FILENO);
    ::dup2(err.fds[1], STDERR_FILENO);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    std::vector<std::string> env_strings{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C"};
    for (const auto& [k, v] : r.env) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<char*> argv;
    for (const auto& a : r.argv)
        argv.push_back(const_cast<char*>(a.c_str()));  // NOLINT: execve API
    argv.push_back(nullptr);
    ::execve(argv[0], argv.data(), envp.data());
    const char* why = std::strerror(errno);
    (void)!::write(STDERR_FILENO, why, std::strlen(why));
    ::_exit(127);
}

void drain(int fd, std::string& into, std::size_t limit, bool& open) {
    char buf[4096];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) {
        if (n == 0 || (errno != EINTR && errno != EAGAIN)) open = false;
        return;
    }
    const std::size_t room = limit > into.size() ? limit - into.size() : 0;
    into.append(buf, std::min(room, static_cast<std::size_t>(n)));
}

}  // namespace

Result<Completion> run(const Request& r) {
    if (r.argv.empty() || r.argv[0].empty() || r.argv[0][0] != '/') {
        return Error::bad_input("command must start with an absolute program path");
    }
    Pipe out;
    Pipe err;
    if (out.fds[0] < 0 || err.fds[0] < 0)
        return Error::environment("pipe: " + std::string(std::strerror(errno)));
    const pid_t pid = ::fork();
    if (pid < 0) return Error::environment("fork: " + std::string(std::strerror(errno)));
    if (pid == 0) exec_child(r, out, err);
    out.close_end(1);
    err.close_end(1);
    Completion done;
    bool out_open = true;
    bool err_open = true;
    const auto deadline = std::chrono::steady_clock::now() + r.timeout;
    bool timed_out = false;
    while (out_open || err_open) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        pollfd fds[2] = {{out_open ? out.fds[0] : -1, POLLIN, 0},
                         {err_open ? err.fds[0] : -1, POLLIN, 0}};
        const int ready = ::poll(fds, 2, static_cast<int>(std::min<long long>(left.count(), 1000)));
        if (ready < 0 && errno != EINTR) break;
        if (out_open && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
            drain(out.fds[0], done.out, r.max_output, out_open);
        if (err_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)))
            drain(err.fds[0], done.err, r.max_output, err_open);
    }
    if (timed_out) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timed_out) {
        return Error::environment(r.argv[0] + " did not finish within " +
                                  std::to_string(r.timeout.count() / 1000) + " s and was killed");
    }
    if (WIFEXITED(status)) done.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) done.signal = WTERMSIG(status);
    if (done.exit_code == 127 && !done.err.empty() && done.out.empty()) {
        return Error::environment(r.argv[0] + ": cannot run: " + done.err);
    }
    return done;
}

}  // namespace dk::process
