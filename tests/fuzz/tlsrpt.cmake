# SMTP TLS reports (RFC 8460) from any sender: gzip and JSON.
if(TARGET dk_tlsrpt)
  dk_fuzz_target(tlsrpt_report tlsrpt_report_fuzz.cc dk_tlsrpt)
endif()
