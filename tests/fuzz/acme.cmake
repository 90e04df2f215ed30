# ACME server answers: problem documents, the directory, orders, authorizations, renewalInfo.
if(TARGET dk_acme)
  dk_fuzz_target(acme_json acme_json_fuzz.cc dk_acme)
endif()
