# The metrics listener's HTTP requests, cut into pieces as they arrive.
if(TARGET dk_metrics)
  dk_fuzz_target(metrics_request metrics_request_fuzz.cc dk_metrics)
endif()
