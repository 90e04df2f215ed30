# dk_core (namespace dk): each module folder lists its sources in its own sources.cmake
# (list(APPEND DK_CORE_SOURCES ...)), so modules can be added without touching each other.
set(DK_CORE_SOURCES "")
set(DK_CORE_LIBS "")
file(GLOB DK_CORE_FRAGMENTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*/sources.cmake)
foreach(fragment ${DK_CORE_FRAGMENTS})
  include(${fragment})
endforeach()
if(DK_CORE_SOURCES)
  add_library(dk_core STATIC ${DK_CORE_SOURCES})
  target_include_directories(dk_core PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(dk_core PUBLIC dk_base ${DK_CORE_LIBS} PRIVATE dk_warnings)
endif()
