// Reads the testbed's env file (tests/testbed/testbed.sh writes it; ctest passes its path in
// DANEKEEPER_TESTBED_ENV, or the build's default) so integration tests know every address, port and
// key path.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

namespace dk::testing {

class TestbedEnv {
  public:
    // Loads the file named by DANEKEEPER_TESTBED_ENV; fails the current test if it is missing.
    static TestbedEnv load() {
        TestbedEnv env;
        const char* path = std::getenv("DANEKEEPER_TESTBED_ENV");
#ifdef DANEKEEPER_TESTBED_ENV_PATH
        if (path == nullptr) path = DANEKEEPER_TESTBED_ENV_PATH;
#endif
        if (path == nullptr) {
            ADD_FAILURE() << "DANEKEEPER_TESTBED_ENV is not set (run through ctest)";
            return env;
        }
        std::ifstream in(path);
        if (!in) {
            ADD_FAILURE() << "cannot read testbed env file " << path;
            return env;
        }
        std::string line;
        while (std::getline(in, line)) {
            const auto eq = line.find('=');
            if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
            env.values_[line.substr(0, eq)] = line.substr(eq + 1);
        }
        return env;
    }

    // The value of KEY; fails the current test if the key is absent.
    [[nodiscard]] std::string get(const std::string& key) const {
        auto it = values_.find(key);
        if (it == values_.end()) {
            ADD_FAILURE() << "testbed env has no " << key;
            return {};
        }
        return it->second;
    }

    // Path of the danekeeper binary under test.
    static std::string danekeeper_bin() {
        const char* bin = std::getenv("DANEKEEPER_BIN");
#ifdef DANEKEEPER_BIN_PATH
        if (bin == nullptr) bin = DANEKEEPER_BIN_PATH;
#endif
        return bin != nullptr ? bin : "danekeeper";
    }

  private:
    std::map<std::string, std::string> values_;
};

}  // namespace dk::testing
