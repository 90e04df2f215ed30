// RAII aliases for the OpenSSL handles we use. get0 = borrowed, get1 = owned (wrap it),
// set0 transfers (release() the wrapper), set1 copies.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/handle.h"

namespace dk::ossl {

inline void free_x509_stack(STACK_OF(X509) * s) {
    sk_X509_pop_free(s, X509_free);
}
inline void free_general_names(GENERAL_NAMES* n) {
    GENERAL_NAMES_free(n);
}
inline void free_openssl_string(char* s) {
    OPENSSL_free(s);
}
inline void free_openssl_bytes(unsigned char* s) {
    OPENSSL_free(s);
}

using X509Ptr = CHandle<X509, X509_free>;
using X509ReqPtr = CHandle<X509_REQ, X509_REQ_free>;
using X509StorePtr = CHandle<X509_STORE, X509_STORE_free>;
using X509StoreCtxPtr = CHandle<X509_STORE_CTX, X509_STORE_CTX_free>;
using X509NamePtr = CHandle<X509_NAME, X509_NAME_free>;
using X509StackPtr = CHandle<STACK_OF(X509), free_x509_stack>;
using X509ExtensionPtr = CHandle<X509_EXTENSION, X509_EXTENSION_free>;
using GeneralNamesPtr = CHandle<GENERAL_NAMES, free_general_names>;
using EvpPkeyPtr = CHandle<EVP_PKEY, EVP_PKEY_free>;
using EvpPkeyCtxPtr = CHandle<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using EvpMdCtxPtr = CHandle<EVP_MD_CTX, EVP_MD_CTX_free>;
using EvpMacPtr = CHandle<EVP_MAC, EVP_MAC_free>;
using EvpMacCtxPtr = CHandle<EVP_MAC_CTX, EVP_MAC_CTX_free>;
using BioPtr = CHandle<BIO, BIO_free_all>;
using SslPtr = CHandle<SSL, SSL_free>;
using SslCtxPtr = CHandle<SSL_CTX, SSL_CTX_free>;
using BignumPtr = CHandle<BIGNUM, BN_free>;
using EcdsaSigPtr = CHandle<ECDSA_SIG, ECDSA_SIG_free>;
using Asn1IntegerPtr = CHandle<ASN1_INTEGER, ASN1_INTEGER_free>;
using Asn1TimePtr = CHandle<ASN1_TIME, ASN1_TIME_free>;
using OpensslStringPtr = CHandle<char, free_openssl_string>;
using OpensslBytesPtr = CHandle<unsigned char, free_openssl_bytes>;

}  // namespace dk::ossl
