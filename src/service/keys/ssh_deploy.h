// Deployment to an MX host on another machine ([[host]]): one run of the OpenSSH client (argv,
// never a shell on our side) with key authentication and the host key pinned in the configured
// known_hosts file. The remote shell gets a fixed script of checked words (no quoting, nothing
// from outside); the key and chain travel on standard input, never in argv. On the host each file
// is written beside its target (dd conv=fsync, checked against its SHA-256), given its owner,
// group and mode, renamed into place, the directories synced; then the host's reload runs.
// Running it again with the same files is harmless: a deployment that was cut off (danekeeper
// killed, connection lost) is simply run again by the engine.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "config/config.h"

namespace dk::service {

// The ssh argv that runs remote_command on the host.
std::vector<std::string> ssh_argv(const config::RemoteHostConfig& host,
                                  const std::string& remote_command);

// What the remote shell runs to take key_size + chain_size bytes from standard input (the key,
// then the chain) into host.key_file and host.cert_file, then run host.reload. bad_input when a
// word of the host's configuration would need quoting (the parser refuses those already).
// Exit codes: 3 input short or corrupted, 4 owner/group/mode refused, 5 rename failed, 6 reload
// failed, 7 interrupted by a signal; nothing is renamed before 5.
Result<std::string> remote_deploy_script(const config::RemoteHostConfig& host, std::size_t key_size,
                                         const std::string& key_sha256_hex, std::size_t chain_size,
                                         const std::string& chain_sha256_hex);

// Deploys key and chain to the host and runs its reload; environment error naming the host and
// what failed (the host key refused, the connection, a remote step) otherwise.
Status deploy_to_host(const config::RemoteHostConfig& host, const std::string& slot,
                      const std::string& key_pem, const std::string& chain_pem);

}  // namespace dk::service
