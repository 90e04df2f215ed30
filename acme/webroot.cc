#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "acme/responder.h"
#include "base/files.h"
#include "base/log.h"

namespace dk::acme {

std::string WebrootResponder::file_for(const ChallengeTask& task) const {
    return webroot_ + "/.well-known/acme-challenge/" + task.token;
}

Status WebrootResponder::present(const std::vector<ChallengeTask>& tasks) {
    for (const auto& dir : {webroot_ + "/.well-known", webroot_ + "/.well-known/acme-challenge"}) {
        if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
            return Error::environment(dir + ": cannot create the challenge directory");
    }
    for (const auto& task : tasks) {
        // World-readable on purpose: the web server serves it to the CA.
        DK_TRY_STATUS(files::write_atomic(file_for(task), task.key_authorization, 0644,
                                          files::Overwrite::yes));
        log::info("acme.http01_written", {{"name", task.identifier}, {"file", file_for(task)}});
    }
    return {};
}

void WebrootResponder::cleanup(const std::vector<ChallengeTask>& tasks) {
    for (const auto& task : tasks) {
        const std::string path = file_for(task);
        if (::unlink(path.c_str()) != 0 && errno != ENOENT)
            log::warn("acme.http01_cleanup_failed", {{"file", path}});
    }
}

}  // namespace dk::acme
