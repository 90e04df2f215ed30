// Who this process acts as. Run as root while the state directory belongs to another user (the
// service user), every verb that opens the state becomes that user first, so that nothing it
// writes and no command it runs is root's, it reads the secrets the service reads, and it runs
// no more privileged than the service would.
#pragma once

#include <sys/types.h>

#include <string>

#include "base/result.h"

namespace dk::privileges {

// Run as root while `dir` belongs to another user: becomes that user for good, with the user's
// primary group and the groups /etc/group gives the account, as systemd's User= does (an owner
// without an account: the directory's group alone); a switch that could be undone, or to the
// root group, is an error. Nothing to do for any other user, a root-owned directory or one that
// does not exist yet (root creates it). Environment error when the switch fails.
Status act_as_owner_of(const std::string& dir);

// The group's id (key_group); bad_input naming the group when the system has none of that name.
Result<gid_t> group_id(const std::string& name);

}  // namespace dk::privileges
