#include "base/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

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
    // The owner's own group and its memberships (a key_group such as Debian-exim); the
    // directory's group only for an owner without an account. Never root's group (a directory
    // chowned to the user alone still has it).
    const passwd* account = ::getpwuid(st.st_uid);
    const gid_t group = account != nullptr ? account->pw_gid : st.st_gid;
    std::vector<gid_t> groups{group};
    if (account != nullptr) {
        const std::string name = account->pw_name;
        int count = 64;
        groups.resize(static_cast<std::size_t>(count));
        if (::getgrouplist(name.c_str(), group, groups.data(), &count) < 0)
            return Error::environment("cannot act as " + who + ": more than 64 groups");
        groups.resize(static_cast<std::size_t>(count));
    }
    for (const gid_t g : groups) {
        if (g == 0)
            return Error::environment("cannot act as " + who +
                                      ": one of its groups would be root's (gid 0)");
    }
    if (::setgroups(groups.size(), groups.data()) != 0 || ::setgid(group) != 0 ||
        ::setuid(st.st_uid) != 0)
        return Error::environment("cannot act as " + who + ": " + std::strerror(errno));
    if (::setuid(0) == 0) return Error::environment("acting as " + who + " could be undone");
    log::info("privileges.acting_as_owner",
              {{"dir", dir}, {"uid", std::to_string(st.st_uid)}, {"gid", std::to_string(group)}});
    return {};
}

Result<gid_t> group_id(const std::string& name) {
    group entry{};
    group* found = nullptr;
    std::vector<char> buffer(64 * 1024);
    const int rc = ::getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
    if (rc != 0) return Error::environment("group " + name + ": " + std::strerror(rc));
    if (found == nullptr) return Error::bad_input("no group named '" + name + "' on this system");
    return found->gr_gid;
}

}  // namespace dk::privileges
