dk_fuzz_target(config config_fuzz.cc dk_config)
