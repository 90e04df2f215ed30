// libcurl loaded on first use: a missing library, a file that is not a library and a library
// without curl's functions each give one line naming what failed; the real libcurl.so.4 makes a
// request through the functions taken from it.
#include "base/curl_library.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "base/curl_handles.h"
#include "base/unique_fd.h"

namespace dk::curl {
namespace {

void expect_one_line_naming(const Error& error, const std::string& what) {
    EXPECT_EQ(error.kind, ErrorKind::environment);
    EXPECT_EQ(error.message.find('\n'), std::string::npos) << error.message;
    EXPECT_NE(error.message.find(what), std::string::npos) << error.message;
}

TEST(CurlLibrary, MissingLibraryIsOneLineNamingIt) {
    const auto loaded = load_library("libdk-no-such-curl.so.4");
    ASSERT_FALSE(loaded);
    expect_one_line_naming(loaded.error(), "cannot load libcurl (libdk-no-such-curl.so.4");
    expect_one_line_naming(loaded.error(), "libcurl4");
    expect_one_line_naming(loaded.error(), "No such file");
}

TEST(CurlLibrary, FileThatIsNotALibraryIsOneLineNamingIt) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("dk-curl-library-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "libcurl.so.4").string();
    std::ofstream(path) << "not an ELF file\n";
    const auto loaded = load_library(path.c_str());
    std::filesystem::remove_all(dir);
    ASSERT_FALSE(loaded);
    expect_one_line_naming(loaded.error(), path);
}

TEST(CurlLibrary, LibraryWithoutCurlsFunctionsNamesTheFirstMissing) {
    // zlib is loaded in every process of ours (the TLSRPT reports are gzip'd), and is no libcurl.
    const auto loaded = load_library("libz.so.1");
    ASSERT_FALSE(loaded);
    expect_one_line_naming(loaded.error(),
                           "libz.so.1 is not a usable libcurl: it lacks curl_easy_init");
}

TEST(CurlLibrary, LoadedOnceAndKept) {
    const auto first = library();
    ASSERT_TRUE(first) << first.error().message;
    const auto second = library();
    ASSERT_TRUE(second);
    EXPECT_EQ(*first, *second);
    EXPECT_NE((*first)->getdate, nullptr);
    EXPECT_EQ((*first)->getdate("Sun, 06 Nov 1994 08:49:37 GMT", nullptr), 784111777);
}

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

// One HTTP/1.0 exchange on a loopback port: reads the request head, answers `reply`.
class OneShotServer {
  public:
    explicit OneShotServer(std::string reply) : listener_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(listener_.get(), 1) != 0 ||
            ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0)
            return;
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this, reply = std::move(reply)] {
            UniqueFd peer(::accept(listener_.get(), nullptr, nullptr));
            std::string head;
            char buffer[1024];
            while (head.find("\r\n\r\n") == std::string::npos && head.size() < 16384) {
                const ssize_t n = ::read(peer.get(), buffer, sizeof buffer);
                if (n <= 0) break;
                head.append(buffer, static_cast<std::size_t>(n));
            }
            request_ = head;
            (void)::write(peer.get(), reply.data(), reply.size());
        });
    }
    ~OneShotServer() {
        if (thread_.joinable()) thread_.join();
    }
    OneShotServer(const OneShotServer&) = delete;
    OneShotServer& operator=(const OneShotServer&) = delete;

    [[nodiscard]] int port() const { return port_; }
    [[nodiscard]] std::string request() {
        if (thread_.joinable()) thread_.join();
        return request_;
    }

  private:
    UniqueFd listener_;
    int port_ = 0;
    std::thread thread_;
    std::string request_;
};

TEST(CurlLibrary, RequestThroughTheLoadedFunctions) {
    const auto libcurl = library();
    ASSERT_TRUE(libcurl) << libcurl.error().message;
    const Functions& f = **libcurl;
    OneShotServer server("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello");
    ASSERT_NE(server.port(), 0);
    EasyPtr easy(f.easy_init());
    ASSERT_TRUE(easy);
    SlistPtr headers(f.slist_append(nullptr, "X-Dk-Test: 1"));
    const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/policy";
    std::string body;
    f.easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
    f.easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers.get());
    f.easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, collect);
    f.easy_setopt(easy.get(), CURLOPT_WRITEDATA, &body);
    f.easy_setopt(easy.get(), CURLOPT_TIMEOUT, 10L);
    ASSERT_EQ(f.easy_perform(easy.get()), CURLE_OK);
    long status = 0;
    f.easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
    EXPECT_EQ(status, 200);
    EXPECT_EQ(body, "hello");
    const std::string request = server.request();
    EXPECT_TRUE(request.starts_with("GET /policy HTTP/1.1\r\n")) << request;
    EXPECT_NE(request.find("X-Dk-Test: 1\r\n"), std::string::npos) << request;
}

TEST(CurlLibrary, RefusedConnectionIsCurlsOwnError) {
    const auto libcurl = library();
    ASSERT_TRUE(libcurl) << libcurl.error().message;
    const Functions& f = **libcurl;
    int port = 0;
    {
        OneShotServer closed("");  // a port that was free a moment ago; closed when it returns
        port = closed.port();
        UniqueFd wake(::socket(AF_INET, SOCK_STREAM, 0));
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        ASSERT_EQ(::connect(wake.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    }
    EasyPtr easy(f.easy_init());
    const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
    f.easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
    f.easy_setopt(easy.get(), CURLOPT_TIMEOUT, 10L);
    const CURLcode code = f.easy_perform(easy.get());
    EXPECT_EQ(code, CURLE_COULDNT_CONNECT);
    EXPECT_STREQ(f.easy_strerror(code), "Couldn't connect to server");
}

}  // namespace
}  // namespace dk::curl
