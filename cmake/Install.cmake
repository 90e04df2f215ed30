# What `cmake --install` puts in place: the binary (src/cli), the man pages, the examples with
# the systemd units, the units themselves, the hook scripts, the sysusers.d and tmpfiles.d
# entries, the privileged reload path, the configuration (a conffile in the package), the
# copyright file and the changelog.
include(GNUInstallDirs)

# Man pages and the changelog are installed gzip'd (Debian policy 12.1, 12.7): -n keeps the
# name and time out, so the package builds the same bytes each time.
set(dk_gzipped)
function(dk_gzip source output)
  add_custom_command(OUTPUT ${output} COMMAND gzip -9nc ${source} > ${output} DEPENDS ${source}
                     VERBATIM)
  set(dk_gzipped ${dk_gzipped} ${output} PARENT_SCOPE)
endfunction()
foreach(page danekeeper.1 danekeeper.toml.5)
  configure_file(${CMAKE_SOURCE_DIR}/man/${page} ${CMAKE_BINARY_DIR}/man/${page} @ONLY)
  dk_gzip(${CMAKE_BINARY_DIR}/man/${page} ${CMAKE_BINARY_DIR}/man/${page}.gz)
endforeach()
configure_file(${CMAKE_SOURCE_DIR}/packaging/changelog ${CMAKE_BINARY_DIR}/packaging/changelog @ONLY)
dk_gzip(${CMAKE_BINARY_DIR}/packaging/changelog ${CMAKE_BINARY_DIR}/packaging/changelog.gz)
add_custom_target(dk_gzipped_docs ALL DEPENDS ${dk_gzipped})
install(FILES ${CMAKE_BINARY_DIR}/man/danekeeper.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_BINARY_DIR}/man/danekeeper.toml.5.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES packaging/copyright ${CMAKE_BINARY_DIR}/packaging/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
# The operator edits it; the package's conffiles list keeps those edits across upgrades.
install(FILES examples/danekeeper.toml DESTINATION /etc/danekeeper)

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
