# RFC 2136 publishing with TSIG (namespace dk::zone): key files, DNS transport, updates.
list(APPEND DK_ZONE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/tsig_key.cc
  ${CMAKE_CURRENT_LIST_DIR}/dns_transport.cc
  ${CMAKE_CURRENT_LIST_DIR}/dns_transport_reply.cc
  ${CMAKE_CURRENT_LIST_DIR}/update_message.cc
  ${CMAKE_CURRENT_LIST_DIR}/update_reply.cc
  ${CMAKE_CURRENT_LIST_DIR}/publisher_query.cc
  ${CMAKE_CURRENT_LIST_DIR}/publisher_rfc2136.cc
  ${CMAKE_CURRENT_LIST_DIR}/shared_owner.cc
)
