dk_fuzz_target(smtp_reply smtp_reply_fuzz.cc dk_probe)
# IMAP and POP3 servers' greeting and STARTTLS answer, cut into pieces as they arrive.
dk_fuzz_target(imap_pop3_reply imap_pop3_reply_fuzz.cc dk_probe)
