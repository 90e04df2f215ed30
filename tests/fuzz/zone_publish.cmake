# DNS replies to our UPDATEs and queries: parse, check (ID, question, TSIG), classify.
if(TARGET dk_zone)
  dk_fuzz_target(dns_reply dns_reply_fuzz.cc dk_zone)
endif()
