#include "acme/account_key.h"

#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include "base/base64.h"
#include "base/files.h"
#include "base/log.h"
#include "base/openssl_error.h"

namespace dk::acme {
namespace {

Result<ossl::EvpPkeyPtr> parse_key(const std::string& pem, const std::string& path) {
    ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    ossl::EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key) return ossl::error_from_queue(ErrorKind::bad_input, path + ": not a PEM private key");
    if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_EC)
        return Error::bad_input(path + ": the account key must be EC P-256 (ES256)");
    return key;
}

}  // namespace

Result<ossl::EvpPkeyPtr> load_or_create_account_key(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        // Checked (no symlink, regular, owner, mode) on the descriptor it is read from.
        DK_TRY(std::string pem, files::read_secret(path, 64 * 1024));
        auto key = parse_key(pem, path);
        OPENSSL_cleanse(pem.data(), pem.size());
        return key;
    }
    ossl::EvpPkeyPtr key(EVP_EC_gen("P-256"));
    if (!key) return ossl::error_from_queue(ErrorKind::environment, "account key generation");
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                         nullptr) != 1) {
        return ossl::error_from_queue(ErrorKind::environment, "account key encoding");
    }
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    const auto written = files::write_atomic(
        path, std::string_view(data, static_cast<std::size_t>(len)), 0600, files::Overwrite::no);
    OPENSSL_cleanse(data, static_cast<std::size_t>(len));
    DK_TRY_STATUS(written);
    log::info("acme.account_key_created", {{"path", path}});
    return key;
}

Result<Bytes> load_eab_key(const std::string& path) {
    DK_TRY(std::string text, files::read_secret(path, 4096));
    std::string_view encoded = text;
    while (!encoded.empty() &&
           (encoded.back() == '\n' || encoded.back() == '\r' || encoded.back() == ' '))
        encoded.remove_suffix(1);
    auto key = from_base64url(encoded);
    OPENSSL_cleanse(text.data(), text.size());
    if (!key || key->size() < 16) {
        if (key) OPENSSL_cleanse(key->data(), key->size());
        return Error::bad_input(path + ": the EAB key must be base64url, at least 16 bytes");
    }
    return std::move(*key);
}

}  // namespace dk::acme
