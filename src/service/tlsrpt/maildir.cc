#include "service/tlsrpt/maildir.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "base/files.h"
#include "base/log.h"
#include "service/tlsrpt/intake.h"
#include "tlsrpt/mime.h"

namespace dk::service {
namespace {

struct CloseDir {
    void operator()(DIR* d) const { ::closedir(d); }
};

// The names in DIR/new that are messages (not dot files), in delivery order as far as names
// tell, at most `max`.
Result<std::vector<std::string>> new_messages(const std::string& maildir, std::size_t max) {
    const std::string dir = maildir + "/new";
    const std::unique_ptr<DIR, CloseDir> d(::opendir(dir.c_str()));
    if (!d) return Error::environment(dir + ": cannot list: " + std::strerror(errno));
    std::vector<std::string> names;
    while (const dirent* e = ::readdir(d.get())) {
        if (e->d_name[0] != '.') names.emplace_back(e->d_name);
    }
    std::sort(names.begin(), names.end());
    if (names.size() > max) names.resize(max);
    return names;
}

Status make_dir(const std::string& path) {
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
        return Error::environment(path + ": cannot create: " + std::strerror(errno));
    return {};
}

// Moves new/NAME to FOLDER/cur/NAME:2,S (seen), FOLDER made a Maildir when it is not one yet.
Status move_to(const std::string& maildir, const std::string& folder, const std::string& name) {
    const std::string target = folder.empty() ? maildir : maildir + "/" + folder;
    if (!folder.empty()) {
        for (const std::string& dir : {target, target + "/cur", target + "/new", target + "/tmp"})
            DK_TRY_STATUS(make_dir(dir));
    }
    const std::string from = maildir + "/new/" + name;
    const std::string to = target + "/cur/" + name + ":2,S";
    if (::rename(from.c_str(), to.c_str()) != 0)
        return Error::environment(from + ": cannot move to " + to + ": " + std::strerror(errno));
    return files::fsync_directory(target + "/cur");
}

enum class Outcome { stored, duplicate, refused, deferred };

Outcome take_in_message(db::Store& store, const std::string& maildir, const std::string& name,
                        TimePoint now, const MaildirLimits& limits) {
    const std::string path = maildir + "/new/" + name;
    const std::string source = "maildir " + name;
    Result<Intake> intake = [&]() -> Result<Intake> {
        DK_TRY(std::string mail, files::read_limited(path, limits.mail.max_message_bytes));
        auto report = tlsrpt::report_from_mail(mail, limits.mail);
        if (!report) return report.error().context(source);
        return take_in_report(store, *report, source, now, limits.report);
    }();
    if (intake.ok()) {
        log_intake(*intake, source);
        if (auto moved = move_to(maildir, "", name); !moved.ok())
            log::warn("tlsrpt.mail_not_moved", {{"error", moved.error().message}});
        return intake->stored ? Outcome::stored : Outcome::duplicate;
    }
    if (intake.error().kind != ErrorKind::bad_input) {
        log::warn("tlsrpt.mail_deferred", {{"message", name}, {"error", intake.error().message}});
        return Outcome::deferred;
    }
    log::warn("tlsrpt.mail_refused", {{"message", name}, {"reason", intake.error().message}});
    if (auto moved = move_to(maildir, ".Refused", name); !moved.ok())
        log::warn("tlsrpt.mail_not_moved", {{"error", moved.error().message}});
    return Outcome::refused;
}

}  // namespace

Result<MaildirPass> take_in_maildir(db::Store& store, const std::string& maildir, TimePoint now,
                                    const MaildirLimits& limits) {
    DK_TRY(const std::vector<std::string> names, new_messages(maildir, limits.max_messages));
    MaildirPass pass;
    for (const std::string& name : names) {
        switch (take_in_message(store, maildir, name, now, limits)) {
            case Outcome::stored:
                ++pass.stored;
                break;
            case Outcome::duplicate:
                ++pass.duplicates;
                break;
            case Outcome::refused:
                ++pass.refused;
                break;
            case Outcome::deferred:
                ++pass.deferred;
                break;
        }
    }
    return pass;
}

}  // namespace dk::service
