#include "acme/client.h"

#include <openssl/pem.h>

#include <thread>

#include "acme/jwk.h"
#include "acme/jws.h"
#include "acme/problem.h"
#include "base/base64.h"
#include "base/log.h"
#include "base/openssl_error.h"
#include "base/openssl_handles.h"

namespace dk::acme {
namespace {

using nlohmann::json;

// Pebble rejects a configurable share of nonces at random: at 50 %, ten resends failed one
// request in a run on the testbed (1 in 2048 per request); sixteen fail 1 in 131072.
constexpr int max_bad_nonce_retries = 16;

Result<std::string> csr_der_base64url(const std::string& csr_pem) {
    ossl::BioPtr bio(BIO_new_mem_buf(csr_pem.data(), static_cast<int>(csr_pem.size())));
    ossl::X509ReqPtr req(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
    if (!req) return ossl::error_from_queue(ErrorKind::bad_input, "CSR: not a PEM request");
    unsigned char* der = nullptr;
    const int len = i2d_X509_REQ(req.get(), &der);
    ossl::OpensslBytesPtr owned(der);
    if (len <= 0) return ossl::error_from_queue(ErrorKind::bad_input, "CSR: encoding");
    return base64url(std::span(der, static_cast<std::size_t>(len)));
}

// One line for a failed answer: the problem document, or the status and a bounded body.
Error failure(const std::string& what, const HttpResponse& r) {
    const std::string text = what + ": ";
    if (auto p = parse_problem(r.body)) {
        std::string line = text + p->one_line();
        if (auto after = r.header("retry-after"))
            line += " (Retry-After " + printable_text(*after, 40) + ")";
        // Our input was refused (CSR, identifiers) or the CA says no: check_failed; the
        // transport or the server's health: environment.
        const bool refused = p->is("rejectedIdentifier") || p->is("badCSR") ||
                             p->is("unauthorized") || p->is("caa") || p->is("rateLimited") ||
                             p->is("externalAccountRequired") || p->is("unsupportedIdentifier");
        return refused ? Error::check_failed(line) : Error::environment(line);
    }
    return Error::environment(text + "HTTP " + std::to_string(r.status) + " " +
                              printable_text(r.body, 120));
}

// A URL the CA named in a header or link, before we follow it: only https.
Status check_https(const std::string& what, const std::string& url) {
    if (https_url(url)) return {};
    return Error::environment(what + " is not an https URL: " + printable_text(url, 200));
}

// A DNS name as compared: case-insensitive, a final dot ignored.
std::string name_key(std::string_view name) {
    if (name.ends_with('.')) name.remove_suffix(1);
    std::string out(name);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The name we ordered that an authorization is for (a wildcard authorization names the base
// domain, RFC 8555 section 7.1.4); nullopt for any other identifier. Our spelling goes on to
// the responder, never the server's text.
std::optional<std::string> ordered_name(const Authorization& a,
                                        const std::vector<std::string>& names) {
    const std::string wanted = (a.wildcard ? "*." : "") + name_key(a.identifier);
    for (const auto& name : names) {
        if (name_key(name) == wanted) return name;
    }
    return std::nullopt;
}

}  // namespace

void RealSleeper::sleep(Seconds duration) {
    std::this_thread::sleep_for(duration);
}

bool Client::past_deadline() const {
    return clock_.now() - started_ > options_.deadline;
}

void Client::wait(const HttpResponse& response, int attempt) {
    std::optional<TimePoint> after;
    if (auto value = response.header("retry-after"))
        after = parse_retry_after(*value, clock_.now());
    sleeper_.sleep(retry_delay(after, attempt, clock_.now(), options_.backoff));
}

Status Client::load_directory() {
    if (directory_) return {};
    DK_TRY_STATUS(check_https("the directory URL", options_.directory_url));
    DK_TRY(HttpResponse r, http_.get(options_.directory_url));
    if (r.status != 200) return failure(options_.directory_url, r);
    DK_TRY(Directory d, parse_directory(r.body, options_.directory_url));
    directory_ = std::move(d);
    return {};
}

Result<std::string> Client::fresh_nonce() {
    DK_TRY(HttpResponse r, http_.head(directory_->new_nonce));
    auto nonce = r.header("replay-nonce");
    if (!nonce || nonce->empty()) return failure(directory_->new_nonce + ": no Replay-Nonce", r);
    return *nonce;
}

Result<HttpResponse> Client::send_signed(const std::string& url, const std::optional<json>& payload,
                                         const std::string& accept) {
    if (nonce_.empty()) {
        DK_TRY(nonce_, fresh_nonce());
    }
    ProtectedHeader header{std::nullopt, std::nullopt, nonce_, url};
    if (account_url_.empty()) {
        DK_TRY(json jwk, public_jwk(key_));
        header.jwk = jwk;
    } else {
        header.kid = account_url_;
    }
    nonce_.clear();  // each nonce is good for one request
    DK_TRY(json jws, sign_request(key_, header, payload));
    DK_TRY(HttpResponse r, http_.post(url, jws.dump(), accept));
    if (auto next = r.header("replay-nonce")) nonce_ = *next;
    return r;
}

Result<HttpResponse> Client::post(const std::string& url, const std::optional<json>& payload,
                                  const std::string& accept) {
    DK_TRY(HttpResponse r, send_signed(url, payload, accept));
    // RFC 8555 section 6.5: a badNonce is answered by sending again with the nonce the error
    // carried. Each answer is a fresh round trip; the bound keeps a server that rejects every
    // nonce from holding us forever.
    for (int retry = 0; retry < max_bad_nonce_retries && r.status >= 400; ++retry) {
        auto p = parse_problem(r.body);
        if (!p || !p->is("badNonce")) break;
        ++bad_nonce_retries_;
        log::info("acme.bad_nonce_retry", {{"url", printable_text(url, 200)}});
        DK_TRY(r, send_signed(url, payload, accept));
    }
    if (r.status >= 400) {
        if (auto after = r.header("retry-after")) {
            retry_not_before_ = parse_retry_after(*after, clock_.now());
            if (retry_not_before_) retry_not_before_ = retry_hold(*retry_not_before_, clock_.now());
        }
        return failure(printable_text(url, 200), r);
    }
    return r;
}

Status Client::ensure_account() {
    if (!account_url_.empty()) return {};
    json payload{{"termsOfServiceAgreed", true}};
    if (!options_.contact.empty()) payload["contact"] = options_.contact;
    if (directory_->external_account_required && !options_.eab)
        return Error::bad_input(
            options_.directory_url +
            ": the CA requires external account binding (eab_kid, eab_key_file)");
    if (options_.eab) {
        DK_TRY(json jwk, public_jwk(key_));
        DK_TRY(json eab, external_account_binding(jwk, options_.eab->kid, options_.eab->mac_key,
                                                  directory_->new_account));
        payload["externalAccountBinding"] = eab;
    }
    DK_TRY(HttpResponse r, post(directory_->new_account, payload));
    auto location = r.header("location");
    if (!location) return failure(directory_->new_account + ": no account URL", r);
    DK_TRY_STATUS(check_https(directory_->new_account + ": the account URL", *location));
    DK_TRY(std::string status, parse_account_status(r.body, directory_->new_account));
    if (status != "valid")
        return Error::check_failed(*location + ": the account is " + printable_text(status, 40));
    account_url_ = *location;
    log::info("acme.account", {{"url", account_url_}, {"created", r.status == 201 ? "yes" : "no"}});
    return {};
}

Result<Authorization> Client::poll_authorization(const std::string& url) {
    for (int attempt = 0;; ++attempt) {
        DK_TRY(HttpResponse r, post(url, std::nullopt));
        DK_TRY(Authorization a, parse_authorization(r.body, url));
        if (a.status != "pending" && a.status != "processing") return a;
        if (past_deadline())
            return Error::environment(url + ": still " + a.status + " at the deadline");
        wait(r, attempt);
    }
}

Result<Order> Client::poll_order(const std::string& url, const std::vector<std::string>& until) {
    for (int attempt = 0;; ++attempt) {
        DK_TRY(HttpResponse r, post(url, std::nullopt));
        DK_TRY(Order o, parse_order(r.body, url));
        if (o.status == "invalid")
            return Error::check_failed(url + ": order invalid" +
                                       (o.error.empty() ? "" : ": " + o.error));
        if (std::find(until.begin(), until.end(), o.status) != until.end()) return o;
        if (past_deadline())
            return Error::environment(url + ": order still " + o.status + " at the deadline");
        wait(r, attempt);
    }
}

Status Client::authorize(const Order& order, const std::vector<std::string>& names,
                         Responder& responder) {
    std::vector<ChallengeTask> tasks;
    std::vector<std::pair<std::string, std::string>> to_answer;  // challenge URL, authz URL
    DK_TRY(json jwk, public_jwk(key_));
    DK_TRY(std::string thumbprint, jwk_thumbprint(jwk));
    for (const auto& url : order.authorizations) {
        DK_TRY(HttpResponse r, post(url, std::nullopt));
        DK_TRY(Authorization a, parse_authorization(r.body, url));
        // The identifier becomes a record owner or a file's host: only a name we asked for.
        auto name = ordered_name(a, names);
        if (!name)
            return Error::environment(
                url + ": authorization for \"" + printable_text(a.identifier, 100) + "\"" +
                (a.wildcard ? " (wildcard)" : "") + ", which was not ordered");
        if (a.status == "valid") continue;
        if (a.status != "pending")
            return Error::check_failed(url + ": authorization for " + *name + " is " + a.status);
        auto c = std::find_if(a.challenges.begin(), a.challenges.end(), [&](const Challenge& ch) {
            return ch.type == responder.challenge_type();
        });
        if (c == a.challenges.end())
            return Error::check_failed(url + ": no " + responder.challenge_type() +
                                       " challenge for " + *name);
        tasks.push_back({*name, c->token, key_authorization(c->token, thumbprint)});
        to_answer.emplace_back(c->url, url);
    }
    if (tasks.empty()) return {};
    // Whatever happens from here, the records or files go away again.
    struct Cleanup {
        Responder& responder;
        const std::vector<ChallengeTask>& tasks;
        ~Cleanup() { responder.cleanup(tasks); }
    } cleanup{responder, tasks};
    DK_TRY_STATUS(responder.present(tasks));
    for (const auto& [challenge_url, authz_url] : to_answer) {
        DK_TRY(HttpResponse r, post(challenge_url, json::object()));
    }
    for (std::size_t i = 0; i < to_answer.size(); ++i) {
        DK_TRY(Authorization a, poll_authorization(to_answer[i].second));
        if (a.status != "valid") {
            std::string why;
            for (const auto& ch : a.challenges) {
                if (!ch.error.empty()) why = ": " + ch.error;
            }
            return Error::check_failed(to_answer[i].second + ": authorization for " +
                                       tasks[i].identifier + " is " + a.status + why);
        }
        log::info("acme.authorized",
                  {{"name", tasks[i].identifier}, {"challenge", responder.challenge_type()}});
    }
    return {};
}

Result<Issued> Client::issue(const std::vector<std::string>& names, const std::string& csr_pem,
                             Responder& responder) {
    started_ = clock_.now();
    DK_TRY(std::string csr64, csr_der_base64url(csr_pem));
    DK_TRY_STATUS(load_directory());
    DK_TRY_STATUS(ensure_account());
    json identifiers = json::array();
    for (const auto& name : names) identifiers.push_back({{"type", "dns"}, {"value", name}});
    DK_TRY(HttpResponse created, post(directory_->new_order, json{{"identifiers", identifiers}}));
    auto order_url = created.header("location");
    if (!order_url) return failure(directory_->new_order + ": no order URL", created);
    DK_TRY_STATUS(check_https(directory_->new_order + ": the order URL", *order_url));
    DK_TRY(Order order, parse_order(created.body, *order_url));
    log::info("acme.order", {{"url", *order_url}, {"names", std::to_string(names.size())}});
    DK_TRY_STATUS(authorize(order, names, responder));
    DK_TRY(order, poll_order(*order_url, {"ready", "valid"}));
    if (order.status == "ready") {
        DK_TRY(HttpResponse r, post(order.finalize, json{{"csr", csr64}}));
        DK_TRY(order, poll_order(*order_url, {"valid"}));
    }
    if (!order.certificate)
        return Error::environment(*order_url + ": valid order without a certificate URL");
    return download(*order.certificate);
}

Result<Issued> Client::download(const std::string& certificate_url) {
    const std::string pem_type = "application/pem-certificate-chain";
    DK_TRY(HttpResponse first, post(certificate_url, std::nullopt, pem_type));
    std::vector<std::string> chains{first.body};
    // RFC 8555 section 7.4.2: alternate chains are offered as Link rel="alternate".
    for (const auto& url : first.links("alternate")) {
        if (chains.size() > 8) break;
        DK_TRY_STATUS(check_https(certificate_url + ": an alternate chain", url));
        DK_TRY(HttpResponse alt, post(url, std::nullopt, pem_type));
        chains.push_back(alt.body);
    }
    Issued issued;
    for (const auto& chain : chains) issued.issuers.push_back(top_issuer_cn(chain));
    const std::size_t pick = choose_chain(issued.issuers, options_.preferred_chain);
    issued.chain_pem = chains[pick];
    issued.top_issuer = issued.issuers[pick];
    log::info("acme.certificate", {{"url", certificate_url},
                                   {"chains", std::to_string(chains.size())},
                                   {"top_issuer", issued.top_issuer}});
    return issued;
}

}  // namespace dk::acme
