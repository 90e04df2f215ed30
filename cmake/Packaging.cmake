# A Debian package with CPack: `cpack -G DEB` in a build directory (prefix /usr).
set(CPACK_PACKAGE_NAME danekeeper)
set(CPACK_PACKAGE_VENDOR "danekeeper")
set(CPACK_PACKAGE_CONTACT "danekeeper maintainers <root@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "keeps MX certificates, DANE/TLSA records and the DNSSEC-signed zone in step")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # dpkg-shlibdeps: libssl3, libldns3, libcurl4, ...
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_SOURCE_DIR}/packaging/postinst
    ${CMAKE_SOURCE_DIR}/packaging/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
