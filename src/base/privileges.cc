#include "base/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/log.h"

namespace dk::privileges {

Status act_as_owner_of(const std::string& dir) {
    if (::geteuid() != 0) return {};
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
        if (errno == ENOENT) return {};
        return Error::environment(dir + ": cannot stat: " + std::strerror(errno));
    }
    if (st.st_uid == 0) return {};
    const std::string who = "uid " + std::to_string(st.st_uid) + ", the owner of " + dir;
    // The owner's own group; the directory's only for an owner without an account. Never root's
    // group (a directory chowned to the user alone still has it).
    const passwd* account = ::getpwuid(st.st_uid);
    const gid_t group = account != nullptr ? account->pw_gid : st.st_gid;
    if (group == 0)
        return Error::environment("cannot act as " + who + ": its group would be root's (gid 0)");
    if (::setgroups(1, &group) != 0 || ::setgid(group) != 0 || ::setuid(st.st_uid) != 0)
        return Error::environment("cannot act as " + who + ": " + std::strerror(errno));
    if (::setuid(0) == 0) return Error::environment("acting as " + who + " could be undone");
    log::info("privileges.acting_as_owner",
              {{"dir", dir}, {"uid", std::to_string(st.st_uid)}, {"gid", std::to_string(group)}});
    return {};
}

}  // namespace dk::privileges
