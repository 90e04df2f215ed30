#include "base/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>
#include <utility>

#include "base/unique_fd.h"

namespace dk::process {
namespace {

using Clock = std::chrono::steady_clock;

// How long the leftovers of a process group get between SIGTERM and SIGKILL.
constexpr std::chrono::milliseconds kTermGrace{1000};

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

// Everything the child needs, built before fork: after fork in a threaded daemon only
// async-signal-safe calls are allowed, so the child must not allocate.
struct ExecImage {
    std::vector<std::string> env_strings;
    std::vector<char*> envp;
    std::vector<char*> argv;
    explicit ExecImage(const Request& r) {
        env_strings = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C"};
        for (const auto& [k, v] : r.env) env_strings.push_back(k + "=" + v);
        for (auto& s : env_strings) envp.push_back(s.data());
        envp.push_back(nullptr);
        for (const auto& a : r.argv)
            argv.push_back(const_cast<char*>(a.c_str()));  // NOLINT: execve API
        argv.push_back(nullptr);
    }
};

// The child starts its own process group (so a timeout can end everything it started) and
// leaves the daemon's signal state behind: the daemon blocks SIGHUP/INT/TERM for sigwait and
// ignores SIGPIPE, and a program that inherited that could neither be stopped nor notice a
// closed pipe.
[[noreturn]] void exec_child(const ExecImage& image, int stdin_fd, const Pipe& out,
                             const Pipe& err) {
    ::setpgid(0, 0);
    for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);  // SIGKILL/SIGSTOP fail: fine
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(out.fds[1], STDOUT_FILENO);
    ::dup2(err.fds[1], STDERR_FILENO);
    if (stdin_fd >= 0) ::dup2(stdin_fd, STDIN_FILENO);
    ::execve(image.argv[0], image.argv.data(), image.envp.data());
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

std::chrono::milliseconds until(Clock::time_point when) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(when - Clock::now());
    return std::max(left, std::chrono::milliseconds(0));
}

// The running child: its output pipes, a pidfd that becomes readable when it exits, and its
// exit status once reaped.
class Child {
  public:
    Child(pid_t pid, Pipe& out, Pipe& err, UniqueFd input_fd, const Request& r, Completion& done)
        : pid_(pid),
          pidfd_(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))),
          out_(out),
          err_(err),
          input_fd_(std::move(input_fd)),
          input_(r.input),
          limit_(r.max_output),
          done_(done) {}

    // Reads output and waits for the child's exit until `deadline`; true once it has exited.
    // The pipes may stay open after that (a backgrounded grandchild holds them): the command
    // is over when the program we started is.
    bool wait_until(Clock::time_point deadline) {
        while (!reap_if_exited()) {
            const auto left = until(deadline);
            if (left.count() == 0) return false;
            // Without a pidfd (old kernel) the exit is noticed by a short tick.
            const auto tick =
                pidfd_.get() >= 0 ? left : std::min(left, std::chrono::milliseconds(10));
            poll_once(tick);
        }
        return true;
    }

    // Reads what the pipes still hold, for at most until `deadline`.
    void read_rest(Clock::time_point deadline) {
        while ((out_open_ || err_open_) && poll_once(until(deadline)) > 0) {
        }
    }

    // SIGTERM to whatever is left of the group, SIGKILL after a grace; reaps the child.
    void end_group() {
        if (!reaped() || group_alive()) ::kill(-pid_, SIGTERM);
        const auto grace = Clock::now() + kTermGrace;
        while (Clock::now() < grace) {
            if (!reaped()) {
                wait_until(std::min(grace, Clock::now() + std::chrono::milliseconds(20)));
                continue;
            }
            if (!group_alive()) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        ::kill(-pid_, SIGKILL);
        if (!reaped()) {
            int status = 0;
            while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
            }
            status_ = status;
        }
    }

    [[nodiscard]] int status() const { return status_.value_or(0); }

  private:
    [[nodiscard]] bool reaped() const { return status_.has_value(); }

    // A reaped leader keeps its pid reserved as long as its group has members, so the group
    // id cannot name someone else's processes while this says alive.
    [[nodiscard]] bool group_alive() const { return ::kill(-pid_, 0) == 0 || errno != ESRCH; }

    bool reap_if_exited() {
        if (reaped()) return true;
        int status = 0;
        pid_t got = 0;
        do {
            got = ::waitpid(pid_, &status, WNOHANG);
        } while (got < 0 && errno == EINTR);
        if (got == pid_) status_ = status;
        return reaped();
    }

    int poll_once(std::chrono::milliseconds timeout) {
        pollfd fds[4] = {{out_open_ ? out_.fds[0] : -1, POLLIN, 0},
                         {err_open_ ? err_.fds[0] : -1, POLLIN, 0},
                         {reaped() ? -1 : pidfd_.get(), POLLIN, 0},
                         {input_fd_.get(), POLLOUT, 0}};
        const int ready = ::poll(fds, 4, static_cast<int>(timeout.count()));
        if (ready <= 0) return ready;
        if (fds[3].revents != 0) feed_input();
        if (out_open_ && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
            drain(out_.fds[0], done_.out, limit_, out_open_);
        if (err_open_ && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)))
            drain(err_.fds[0], done_.err, limit_, err_open_);
        return ready;
    }

    // Sends what the socket takes without blocking; at the end (or when the program closed its
    // input) the socket is closed, so the program reads end of file. MSG_NOSIGNAL: a program
    // that exits without reading must not raise SIGPIPE here.
    void feed_input() {
        while (input_sent_ < input_.size()) {
            const ssize_t n = ::send(input_fd_.get(), input_.data() + input_sent_,
                                     input_.size() - input_sent_, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
            if (n <= 0) break;
            input_sent_ += static_cast<std::size_t>(n);
        }
        input_fd_.reset();
    }

    pid_t pid_;
    UniqueFd pidfd_;
    Pipe& out_;
    Pipe& err_;
    UniqueFd input_fd_;  // our end of the program's standard input, while input is left
    const std::string& input_;
    std::size_t input_sent_ = 0;
    std::size_t limit_;
    Completion& done_;
    bool out_open_ = true;
    bool err_open_ = true;
    std::optional<int> status_;
};

}  // namespace

Result<Completion> run(const Request& r) {
    if (r.argv.empty() || r.argv[0].empty() || r.argv[0][0] != '/') {
        return Error::bad_input("command must start with an absolute program path");
    }
    Pipe out;
    Pipe err;
    if (out.fds[0] < 0 || err.fds[0] < 0)
        return Error::environment("pipe: " + std::string(std::strerror(errno)));
    // Standard input: /dev/null, or one end of a socket pair that carries the input.
    UniqueFd child_input;
    UniqueFd our_input;
    if (r.input.empty()) {
        child_input = UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    } else {
        int ends[2] = {-1, -1};
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0)
            return Error::environment("socketpair: " + std::string(std::strerror(errno)));
        our_input = UniqueFd(ends[0]);
        child_input = UniqueFd(ends[1]);
        ::shutdown(ends[0], SHUT_RD);
        ::shutdown(ends[1], SHUT_WR);
    }
    const ExecImage image(r);
    const auto deadline = Clock::now() + r.timeout;
    // All signals stay blocked across fork so no daemon handler runs in the child before it
    // resets the dispositions.
    sigset_t all;
    sigset_t saved;
    sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &saved);
    const pid_t pid = ::fork();
    if (pid == 0) exec_child(image, child_input.get(), out, err);
    const int fork_errno = errno;
    ::pthread_sigmask(SIG_SETMASK, &saved, nullptr);
    if (pid < 0) return Error::environment("fork: " + std::string(std::strerror(fork_errno)));
    ::setpgid(pid, pid);  // also here, so the group exists before any kill; EACCES after exec
    out.close_end(1);
    err.close_end(1);
    Completion done;
    child_input.reset();
    Child child(pid, out, err, std::move(our_input), r, done);
    const bool finished = child.wait_until(deadline);
    if (finished)
        child.read_rest(std::min(deadline, Clock::now() + std::chrono::milliseconds(100)));
    child.end_group();
    if (!finished) {
        return Error::environment(r.argv[0] + " did not finish within " +
                                  std::to_string(r.timeout.count() / 1000) + " s and was killed");
    }
    const int status = child.status();
    if (WIFEXITED(status)) done.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) done.signal = WTERMSIG(status);
    if (done.exit_code == 127 && !done.err.empty() && done.out.empty()) {
        return Error::environment(r.argv[0] + ": cannot run: " + done.err);
    }
    return done;
}

}  // namespace dk::process
