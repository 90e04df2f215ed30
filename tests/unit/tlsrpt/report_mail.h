// A TLSRPT mail as large senders send it (RFC 8460 section 5.3): multipart/report with a text
// part and the gzipped report base64-encoded in lines of 76, CRLF line ends.
#pragma once

#include <string>

#include "base/base64.h"
#include "tlsrpt/gzip.h"

inline std::string report_mail(const std::string& json, const std::string& report_id = "r-1") {
    const std::string encoded = dk::base64(dk::tlsrpt::gzip(json));
    std::string lines;
    for (std::size_t at = 0; at < encoded.size(); at += 76)
        lines += encoded.substr(at, 76) + "\r\n";
    return "Return-Path: <noreply-smtp-tls-reporting@sender.example>\r\n"
           "From: noreply-smtp-tls-reporting@sender.example\r\n"
           "To: tlsrpt@example.test\r\n"
           "Subject: Report Domain: example.test Submitter: sender.example Report-ID: <" +
           report_id +
           ">\r\n"
           "TLS-Report-Domain: example.test\r\n"
           "TLS-Report-Submitter: sender.example\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Type: multipart/report;\r\n"
           "\treport-type=\"tlsrpt\"; boundary=\"--b0undary\"\r\n"
           "\r\n"
           "----b0undary\r\n"
           "Content-Type: text/plain; charset=UTF-8\r\n"
           "\r\n"
           "This is an aggregate TLS report from sender.example\r\n"
           "----b0undary\r\n"
           "Content-Type: application/tlsrpt+gzip;\r\n"
           " name=\"sender.example!example.test!1!2!" +
           report_id +
           ".json.gz\"\r\n"
           "Content-Transfer-Encoding: base64\r\n"
           "Content-Disposition: attachment\r\n"
           "\r\n" +
           lines + "----b0undary--\r\n";
}
