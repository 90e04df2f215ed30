# Key and anchor files the operator hands us: TSIG key files, DNSSEC .key/.private pairs and
# trust anchors (DS or DNSKEY records).
if(TARGET dk_zone)
  dk_fuzz_target(tsig_key_file tsig_key_file_fuzz.cc dk_zone)
  dk_fuzz_target(dnssec_private dnssec_private_fuzz.cc dk_zone)
  dk_fuzz_target(trust_anchor trust_anchor_fuzz.cc dk_zone)
endif()
