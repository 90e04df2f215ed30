// Answering challenges: the flow hands every pending challenge of one order to a Responder,
// which makes them answerable (TXT records published and seen on every authoritative server,
// or files in the webroot) before the server is told to look, and removes them afterwards.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace dk::acme {

struct ChallengeTask {
    std::string identifier;         // the DNS name being validated
    std::string token;              // base64url, checked by the parser
    std::string key_authorization;  // token "." thumbprint
};

class Responder {
  public:
    virtual ~Responder() = default;
    [[nodiscard]] virtual std::string challenge_type() const = 0;  // "dns-01", "http-01"
    // Makes every task answerable; on failure, what was done so far is still cleaned up.
    virtual Status present(const std::vector<ChallengeTask>& tasks) = 0;
    // Removes what present put in place; best effort, logs what it could not remove.
    virtual void cleanup(const std::vector<ChallengeTask>& tasks) = 0;
};

// http-01: WEBROOT/.well-known/acme-challenge/TOKEN holding the key authorization.
class WebrootResponder final : public Responder {
  public:
    explicit WebrootResponder(std::string webroot) : webroot_(std::move(webroot)) {}
    [[nodiscard]] std::string challenge_type() const override { return "http-01"; }
    Status present(const std::vector<ChallengeTask>& tasks) override;
    void cleanup(const std::vector<ChallengeTask>& tasks) override;
    [[nodiscard]] std::string file_for(const ChallengeTask& task) const;

  private:
    std::string webroot_;
};

}  // namespace dk::acme
