# Zone-file text (the operator's unsigned file, our own signed file read back): the reader, its
# fast path against ldns, and signing what it accepts. The previous signed file an incremental
# signing keeps signatures from: indexed as text, whatever it holds.
if(TARGET dk_zone)
  dk_fuzz_target(zone_text zone_text_fuzz.cc dk_zone)
  dk_fuzz_target(previous_text previous_text_fuzz.cc dk_zone)
endif()
