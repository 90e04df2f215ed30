# Signing a zone file ourselves (namespace dk::zone::sign): compact wire-format zone, NSEC/NSEC3,
# RRSIGs with OpenSSL EVP on every core, BIND key files, the signed-file job.
list(APPEND DK_ZONE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/sign/names.cc
  ${CMAKE_CURRENT_LIST_DIR}/sign/zone_model.cc
  ${CMAKE_CURRENT_LIST_DIR}/sign/zone_lexer.cc
  ${CMAKE_CURRENT_LIST_DIR}/sign/simple_record.cc
  ${CMAKE_CURRENT_LIST_DIR}/sign/simple_dnssec_record.cc
  ${CMAKE_CURRENT_LIST_DIR}/sign/zone_reader.cc
  ${CMAKE_CURRENT_LIST_DIR}/sign/signed_zone.cc
  ${CMAKE_CURRENT_LIST_DIR}/sign/previous_text.cc
  ${CMAKE_CURRENT_LIST_DIR}/sign/type_bitmap.cc
  ${CMAKE_CURRENT_LIST_DIR}/sign/record_text.cc
  ${CMAKE_CURRENT_LIST_DIR}/sign/denial.cc
  ${CMAKE_CURRENT_LIST_DIR}/sign/dnssec_key.cc
  ${CMAKE_CURRENT_LIST_DIR}/sign/key_files.cc
  ${CMAKE_CURRENT_LIST_DIR}/sign/private_key_file.cc
  ${CMAKE_CURRENT_LIST_DIR}/sign/rrsig.cc
  ${CMAKE_CURRENT_LIST_DIR}/sign/serial.cc
  ${CMAKE_CURRENT_LIST_DIR}/sign/parallel.cc
  ${CMAKE_CURRENT_LIST_DIR}/sign/prepare.cc
  ${CMAKE_CURRENT_LIST_DIR}/sign/signers.cc
  ${CMAKE_CURRENT_LIST_DIR}/sign/signer.cc
  ${CMAKE_CURRENT_LIST_DIR}/sign/zone_writer.cc
  ${CMAKE_CURRENT_LIST_DIR}/sign/sign_job.cc
  ${CMAKE_CURRENT_LIST_DIR}/sign/file_publisher.cc
)
