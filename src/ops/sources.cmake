list(APPEND DK_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/verdict.cc
  ${CMAKE_CURRENT_LIST_DIR}/nagios.cc
  ${CMAKE_CURRENT_LIST_DIR}/check_report.cc
  ${CMAKE_CURRENT_LIST_DIR}/since.cc
  ${CMAKE_CURRENT_LIST_DIR}/audit.cc
  ${CMAKE_CURRENT_LIST_DIR}/lint.cc
  ${CMAKE_CURRENT_LIST_DIR}/audit_report.cc
  ${CMAKE_CURRENT_LIST_DIR}/status_report.cc
  ${CMAKE_CURRENT_LIST_DIR}/metrics.cc
)
