dk_fuzz_target(pem_material material_fuzz.cc dk_cert)
