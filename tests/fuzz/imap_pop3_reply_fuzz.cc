// Fuzzes the IMAP and POP3 STARTTLS dialogue reader with the server's bytes, fed in pieces whose
// sizes the input chooses (as recv cuts a stream). Never crash; it buffers no more than its
// bounds allow; once decided it stays decided; and the verdict on the bytes it took is the same
// whether they came in pieces or at once (the reader keeps no state a cut could change).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "probe/reply_parser.h"

namespace {

using dk::probe::LineDialogue;
using dk::probe::LineDialogueReader;
using dk::probe::ParseState;

// Greeting + 16 answer lines, each at most max_line bytes and its line end.
constexpr std::size_t max_dialogue = 17 * (dk::probe::max_line + 1);

void check(LineDialogue dialogue, std::string_view stream, std::size_t piece) {
    LineDialogueReader cut(dialogue);
    ParseState state = ParseState::need_more;
    std::size_t taken = 0;
    while (state == ParseState::need_more && taken < stream.size()) {
        const std::string_view next = stream.substr(taken, piece);
        state = cut.take(next);
        taken += next.size();
    }
    if (state == ParseState::need_more && taken > max_dialogue + piece) std::abort();
    if (state != ParseState::need_more && cut.take("more") != state) std::abort();
    if ((state == ParseState::error) == cut.error().empty()) std::abort();
    LineDialogueReader whole(dialogue);
    if (whole.take(stream.substr(0, taken)) != state || whole.error() != cut.error() ||
        whole.greeted() != cut.greeted())
        std::abort();
    // Nothing of the server's unprintable text reaches an error message.
    for (const char c : cut.error()) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte >= 0x7f) std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1 || size > 256 * 1024) return 0;
    const std::size_t piece = std::size_t{data[0]} + 1;
    const std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
    check(dk::probe::imap_dialogue, stream, piece);
    check(dk::probe::pop3_dialogue, stream, piece);
    return 0;
}
