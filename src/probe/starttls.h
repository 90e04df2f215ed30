// The plain-text dialogue before TLS: SMTP (RFC 3207), IMAP (RFC 3501 STARTTLS), POP3 (STLS).
#pragma once

#include <string>

#include "base/endpoint.h"
#include "base/result.h"
#include "probe/connection.h"
#include "probe/probe.h"

namespace dk::probe {

struct DialogueFailure {
    Stage stage = Stage::banner;
    Error error;
};

// Leaves the connection ready for the TLS ClientHello, or says at which stage and why not.
std::optional<DialogueFailure> start_tls(Connection& conn, TlsStart start,
                                         const std::string& ehlo_name, Deadline deadline);

}  // namespace dk::probe
