# One place for the warning set every target of ours uses.
add_library(dk_warnings INTERFACE)
target_compile_options(dk_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
  -Wconversion -Wno-sign-conversion -Wno-missing-field-initializers -Wnull-dereference -Wimplicit-fallthrough)
if(DANEKEEPER_WERROR)
  target_compile_options(dk_warnings INTERFACE -Werror)
endif()

# libFuzzer targets: real fuzzers under clang with -fsanitize=fuzzer, otherwise skipped.
function(dk_add_fuzzer name source)
  if(NOT DANEKEEPER_FUZZ)
    return()
  endif()
  add_executable(${name} ${source})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${name} PRIVATE ${ARGN} dk_warnings)
endfunction()
