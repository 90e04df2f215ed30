# DNS questions in one place (namespace dk::zone): lookups through the validating resolver with
# typed verdicts, MX and address lookups, the zone's authoritative servers, serial arithmetic and
# the "served everywhere" test.
list(APPEND DK_ZONE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/resolver/serial.cc
  ${CMAKE_CURRENT_LIST_DIR}/resolver/resolver.cc
  ${CMAKE_CURRENT_LIST_DIR}/resolver/address_book.cc
  ${CMAKE_CURRENT_LIST_DIR}/resolver/authoritative.cc
)
