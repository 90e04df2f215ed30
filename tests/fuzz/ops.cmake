# The status snapshot that `status --nagios --from-snapshot` reads as another user.
if(TARGET dk_ops)
  dk_fuzz_target(status_snapshot status_snapshot_fuzz.cc dk_ops)
endif()
