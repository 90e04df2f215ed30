list(APPEND DK_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/config_parser.cc
  ${CMAKE_CURRENT_LIST_DIR}/slot_parser.cc
  ${CMAKE_CURRENT_LIST_DIR}/signed_file_parser.cc
  ${CMAKE_CURRENT_LIST_DIR}/dnssec_key_parser.cc
  ${CMAKE_CURRENT_LIST_DIR}/audit_parser.cc
  ${CMAKE_CURRENT_LIST_DIR}/acme_parser.cc
  ${CMAKE_CURRENT_LIST_DIR}/cross_check.cc
  ${CMAKE_CURRENT_LIST_DIR}/toml_reader.cc
  ${CMAKE_CURRENT_LIST_DIR}/config_files.cc
)
list(APPEND DK_CORE_LIBS PkgConfig::TOMLPP)
