list(APPEND DK_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/safety.cc
  ${CMAKE_CURRENT_LIST_DIR}/planner.cc
  ${CMAKE_CURRENT_LIST_DIR}/transitions.cc
  ${CMAKE_CURRENT_LIST_DIR}/runner.cc
  ${CMAKE_CURRENT_LIST_DIR}/state_json.cc
  ${CMAKE_CURRENT_LIST_DIR}/delivery.cc
)
list(APPEND DK_CORE_LIBS nlohmann_json::nlohmann_json
)
