// Small text helpers every library uses: ASCII case, trimming, joining, DNS name forms.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dk {

// ASCII only: DNS names, hex, header names and keywords are compared this way, never by locale.
std::string lower(std::string text);
std::string upper(std::string text);
bool iequals(std::string_view a, std::string_view b);

// Without the white space (space, tab, CR, LF, VT, FF) at either end.
std::string_view trim(std::string_view text);

// "a, b, c" for join({"a", "b", "c"}, ", "); "" for no parts.
std::string join(const std::vector<std::string>& parts, std::string_view separator);

// Text from outside (a server's reply, a file) made safe for a terminal and one log line: every
// byte outside printable ASCII (controls, DEL, bytes over 0x7f) becomes \xNN.
std::string printable(std::string_view text);

// A DNS name with its trailing dot ("example.test" -> "example.test."); "" becomes ".".
std::string absolute_name(std::string name);
// Without it, as file names hold zones ("example.test." -> "example.test"); the root stays ".".
std::string relative_name(std::string name);

}  // namespace dk
