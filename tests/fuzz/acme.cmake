# ACME server answers: problem documents, the directory, orders, authorizations, renewalInfo.
if(TARGET dk_acme)
  dk_fuzz_target(acme_json acme_json_fuzz.cc dk_acme)
endif()
# Link headers of certificate downloads (alternate chains, up, index).
if(TARGET dk_acme)
  dk_fuzz_target(link_header link_header_fuzz.cc dk_acme)
endif()
