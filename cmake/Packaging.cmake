# A Debian package with CPack: `cpack -G DEB` in a build directory (prefix /usr).
set(CPACK_PACKAGE_NAME danekeeper)
set(CPACK_PACKAGE_VENDOR "danekeeper")
# RFC 2606's .invalid: there is no list address yet; the maintainer's goes here.
set(CPACK_PACKAGE_CONTACT "danekeeper authors <maintainers@danekeeper.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "keeps MX certificates, DANE/TLSA records and the DNSSEC-signed zone in step")
set(CPACK_PACKAGE_DESCRIPTION
    "danekeeper is a daemon and command-line tool for mail providers who run
DANE for their MX hosts. It keeps the MX certificates, their TLSA records
(RFC 6698, 7671, 7672) and the DNSSEC-signed zone in step: the next key
is published and validated on every authoritative server before it is
served, and the old record is retired only once every endpoint presents
the new key and passes DANE verification. It publishes by RFC 2136 with
TSIG or signs the zone itself, gets certificates over ACME or from the
operator's ACME client, and reports for audits (BSI TR-03108-1) and
monitoring (Nagios, Prometheus).")
set(CPACK_STRIP_FILES TRUE)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # dpkg-shlibdeps: libssl3, libldns3, libsqlite3-0, ...
# libcurl is loaded when a request needs it (src/base/curl_library.h), so dpkg-shlibdeps does not
# see it: the package names it (7.85: CURLOPT_PROTOCOLS_STR). CPack adds shlibdeps' list to this.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4 (>= 7.85.0)")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_SOURCE_DIR}/packaging/postinst
    ${CMAKE_SOURCE_DIR}/packaging/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
