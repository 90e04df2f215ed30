// The RFC 8555 flow for one certificate: directory, account (created or found by its key, with
// external account binding when the CA asks), order, authorizations answered through a
// Responder, finalize with the caller's CSR, polling with Retry-After, download of the chain and
// its alternates, and the choice of the preferred chain.
#pragma once

#include <openssl/evp.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "acme/directory.h"
#include "acme/http.h"
#include "acme/responder.h"
#include "acme/retry.h"
#include "base/clock.h"
#include "base/hex.h"
#include "base/result.h"

namespace dk::acme {

class Sleeper {
  public:
    virtual ~Sleeper() = default;
    virtual void sleep(Seconds duration) = 0;
};

class RealSleeper final : public Sleeper {
  public:
    void sleep(Seconds duration) override;
};

struct Eab {
    std::string kid;
    Bytes mac_key;  // secret: never logged
};

struct ClientOptions {
    std::string directory_url;
    std::vector<std::string> contact;  // "mailto:..."
    std::optional<Eab> eab;
    std::optional<std::string> preferred_chain;  // top issuer CN
    Seconds deadline{600};                       // for one issuance, polling included
    Backoff backoff;
};

struct Issued {
    std::string chain_pem;             // the chosen chain, leaf first
    std::string top_issuer;            // CN of the chosen chain's top issuer
    std::vector<std::string> issuers;  // top issuer CN of every offered chain, default first
};

class Client {
  public:
    Client(HttpTransport& http, const EVP_PKEY& account_key, ClientOptions options,
           const Clock& clock, Sleeper& sleeper)
        : http_(http),
          key_(account_key),
          options_(std::move(options)),
          clock_(clock),
          sleeper_(sleeper) {}

    // A certificate for `names` from `csr_pem` (made from the key the caller chose).
    Result<Issued> issue(const std::vector<std::string>& names, const std::string& csr_pem,
                         Responder& responder);

    // How many badNonce answers were retried (for logs and tests).
    [[nodiscard]] int bad_nonce_retries() const { return bad_nonce_retries_; }

    // The time a failed answer's Retry-After named (rateLimited, 503), at most max_retry_hold
    // ahead: the caller must not ask the CA again before it.
    [[nodiscard]] std::optional<TimePoint> retry_not_before() const { return retry_not_before_; }

  private:
    Status load_directory();
    Status ensure_account();
    Result<std::string> fresh_nonce();
    // A signed POST (payload nullopt = POST-as-GET); every badNonce answered by a resend with
    // the nonce from the error (bounded); a problem document becomes a one-line error.

    Result<HttpResponse> post(const std::string& url, const std::optional<nlohmann::json>& payload,
                              const std::string& accept = "application/json");
    Result<HttpResponse> send_signed(const std::string& url,
                                     const std::optional<nlohmann::json>& payload,
                                     const std::string& accept);
    Status authorize(const Order& order, const std::vector<std::string>& names,
                     Responder& responder);
    Result<Order> poll_order(const std::string& url, const std::vector<std::string>& until);
    Result<Authorization> poll_authorization(const std::string& url);
    Result<Issued> download(const std::string& certificate_url);
    [[nodiscard]] bool past_deadline() const;
    void wait(const HttpResponse& response, int attempt);

    HttpTransport& http_;
    const EVP_PKEY& key_;
    ClientOptions options_;
    const Clock& clock_;
    Sleeper& sleeper_;
    std::optional<Directory> directory_;
    std::string account_url_;
    std::string nonce_;
    TimePoint started_;
    int bad_nonce_retries_ = 0;
    std::optional<TimePoint> retry_not_before_;
};

// The CN of the issuer of the last certificate in a PEM chain ("" when none).
std::string top_issuer_cn(const std::string& chain_pem);

// The chain whose top issuer CN equals `preferred`, else the first (the CA's default).
std::size_t choose_chain(const std::vector<std::string>& issuers,
                         const std::optional<std::string>& preferred);

// ARI's certificate identifier: base64url(AKI keyIdentifier) "." base64url(serial DER bytes).
Result<std::string> ari_cert_id(const std::string& leaf_pem);

// ARI (RFC 9773): the CA's suggested renewal window for a certificate (a GET, no account
// needed); nullopt when the directory offers no renewalInfo.
Result<std::optional<RenewalWindow>> fetch_renewal_window(HttpTransport& http,
                                                          const std::string& directory_url,
                                                          const std::string& leaf_pem);

// Where in an ARI window to renew, drawn once per certificate (RFC 9773 section 4.2 asks for a
// random point): derived from the certificate's bytes, so every run picks the same moment.
double window_point_for(const std::string& leaf_pem);

}  // namespace dk::acme
