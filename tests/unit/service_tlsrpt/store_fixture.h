// A fixture for the TLSRPT intake tests: a temporary directory with a state database in it,
// removed afterwards.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <optional>
#include <string>

#include "db/store.h"

namespace dk::service {

class StoreFixture : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/dk-tlsrpt-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        auto s = db::Store::open(dir_ + "/state.db");
        ASSERT_TRUE(s.ok()) << s.error().message;
        store_.emplace(std::move(*s));
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string dir_;
    std::optional<db::Store> store_;
};

}  // namespace dk::service
