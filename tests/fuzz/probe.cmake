dk_fuzz_target(smtp_reply smtp_reply_fuzz.cc dk_probe)
