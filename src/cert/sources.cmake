list(APPEND DK_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/tlsa_data.cc
  ${CMAKE_CURRENT_LIST_DIR}/chain_matches.cc
)
