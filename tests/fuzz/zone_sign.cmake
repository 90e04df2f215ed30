# Zone-file text (the operator's unsigned file, our own signed file read back): the reader, its
# fast path against ldns, and signing what it accepts.
if(TARGET dk_zone)
  dk_fuzz_target(zone_text zone_text_fuzz.cc dk_zone)
endif()
