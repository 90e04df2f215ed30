list(APPEND DK_ZONE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/tlsa_view.cc
  ${CMAKE_CURRENT_LIST_DIR}/denial_proof.cc
  ${CMAKE_CURRENT_LIST_DIR}/parent_ds.cc
)
