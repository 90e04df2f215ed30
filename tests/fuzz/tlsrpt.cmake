# SMTP TLS reports (RFC 8460) from any sender: gzip and JSON.
if(TARGET dk_tlsrpt)
  dk_fuzz_target(tlsrpt_report tlsrpt_report_fuzz.cc dk_tlsrpt)
endif()
# The HTTPS receiver's request heads, as any client on the network sends them.
if(TARGET dk_tlsrpt_intake)
  dk_fuzz_target(tlsrpt_http_head tlsrpt_http_head_fuzz.cc dk_tlsrpt_intake)
endif()
