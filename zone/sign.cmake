# Signing a zone file ourselves (namespace dk::zone::sign): compact wire-format zone, NSEC/NSEC3,
# RRSIGs with OpenSSL EVP on every core, BIND key files, the signed-file job.
set(DK_ZONE_SIGN_SOURCES
  names.cc
  zone_model.cc
  zone_lexer.cc
  simple_record.cc
  simple_dnssec_record.cc
  zone_reader.cc
  signed_zone.cc
  previous_text.cc
  type_bitmap.cc
  record_text.cc
  denial.cc
  dnssec_key.cc
  key_files.cc
  private_key_file.cc
  rrsig.cc
  serial.cc
  parallel.cc
  prepare.cc
  signers.cc
  signer.cc
  zone_writer.cc
  sign_job.cc
  file_publisher.cc
)
list(TRANSFORM DK_ZONE_SIGN_SOURCES PREPEND ${CMAKE_CURRENT_LIST_DIR}/sign/)
list(APPEND DK_ZONE_SOURCES ${DK_ZONE_SIGN_SOURCES})
