# MTA-STS policies and _mta-sts TXT records (RFC 8461) as any web server or DNS server sends them.
if(TARGET dk_mtasts)
  dk_fuzz_target(mta_sts_policy mta_sts_policy_fuzz.cc dk_mtasts)
endif()
