# What `cmake --install` puts in place: the binary (src/cli), the man page, the examples with
# the systemd units, the units themselves, the hook scripts, the sysusers.d and tmpfiles.d
# entries and the privileged reload path.
include(GNUInstallDirs)

configure_file(${CMAKE_SOURCE_DIR}/man/danekeeper.1 ${CMAKE_BINARY_DIR}/man/danekeeper.1 @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/man/danekeeper.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

install(FILES examples/danekeeper.toml DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(DIRECTORY examples/systemd DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES examples/systemd/danekeeper.service examples/systemd/danekeeper-run.service
              examples/systemd/danekeeper-run.timer examples/systemd/danekeeper-reload.path
              examples/systemd/danekeeper-reload.service
        DESTINATION lib/systemd/system)
install(FILES packaging/danekeeper.sysusers DESTINATION lib/sysusers.d RENAME danekeeper.conf)
# The privileged reload path (README "Privilege model"): its directories, its two halves and
# example allow-list entries for /etc/danekeeper/reload.d.
install(FILES packaging/danekeeper.tmpfiles DESTINATION lib/tmpfiles.d RENAME danekeeper.conf)
install(PROGRAMS packaging/reload-request packaging/reload-run DESTINATION lib/danekeeper)
install(DIRECTORY examples/reload.d DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(PROGRAMS hooks/certbot-deploy-hook hooks/acme.sh-reloadcmd hooks/dehydrated-hook
        DESTINATION ${CMAKE_INSTALL_DATADIR}/danekeeper/hooks)
