list(APPEND DK_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/reply_parser.cc
  ${CMAKE_CURRENT_LIST_DIR}/connection.cc
  ${CMAKE_CURRENT_LIST_DIR}/starttls.cc
  ${CMAKE_CURRENT_LIST_DIR}/tls_probe.cc
)
find_package(Threads REQUIRED)
list(APPEND DK_CORE_LIBS Threads::Threads)
