# DNSSEC key management (namespace dk::zone::dnssec_keys): the key store (BIND key files), DS and
# CDS/CDNSKEY, the pure rollover planner (ZSK pre-publication, KSK double-DS), its transitions, the
# key loop over ports (runner), and the views of the zone's servers and the parent's DS that feed it.
list(APPEND DK_ZONE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/dnssec_keys/key_record.cc
  ${CMAKE_CURRENT_LIST_DIR}/dnssec_keys/ds.cc
  ${CMAKE_CURRENT_LIST_DIR}/dnssec_keys/timings.cc
  ${CMAKE_CURRENT_LIST_DIR}/dnssec_keys/selection.cc
  ${CMAKE_CURRENT_LIST_DIR}/dnssec_keys/planner.cc
  ${CMAKE_CURRENT_LIST_DIR}/dnssec_keys/transitions.cc
  ${CMAKE_CURRENT_LIST_DIR}/dnssec_keys/runner.cc
  ${CMAKE_CURRENT_LIST_DIR}/dnssec_keys/key_store.cc
  ${CMAKE_CURRENT_LIST_DIR}/dnssec_keys/server_views.cc
)
