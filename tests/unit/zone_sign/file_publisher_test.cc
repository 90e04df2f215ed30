// The signed-file publisher: guarded changes to our records, the signed file written and the
// server reloaded once per change, refusals for records only the operator's file holds, and
// recovery when the file was not written after our records were saved.
#include "zone/sign/file_publisher.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "zone/sign/signed_zone.h"
#include "zone/sign/zone_reader.h"
#include "zone_sign/ldns_check.h"

namespace dk::zone::sign {
namespace {

const std::string tlsa1 = "3 1 1 0c019a2e059bcb663ac5fbb79c54a5345685821fc1459bae1c12ad543b397062";
const std::string tlsa2 = "3 1 1 1111111111111111111111111111111111111111111111111111111111111111";
const std::string owner = "_25._tcp.mx1.example.test.";

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The file's lines with each new signature's bytes left out (ECDSA signs differently each time).
std::string without_signature_bytes(const std::string& path) {
    std::istringstream in(slurp(path));
    std::string out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.find("\tRRSIG\t") != std::string::npos) line = line.substr(0, line.rfind(' '));
        out += line + "\n";
    }
    return out;
}

class FilePublisherTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char templ[] = "/tmp/dk-filepub-XXXXXX";
        ASSERT_NE(mkdtemp(templ), nullptr);
        dir = templ;
        std::ofstream(dir + "/zone.db") << "$TTL 300\n@ SOA ns1 hostmaster 1 7200 3600 1209600 60\n"
                                           "  NS ns1\nns1 A 192.0.2.1\nmx1 A 192.0.2.2\n"
                                           "_25._tcp.mx2 TLSA " +
                                               tlsa1 + "\n";
        FilePublisherOptions o;
        o.zone = "example.test.";
        o.unsigned_file = dir + "/zone.db";
        o.signed_file = dir + "/zone.db.signed";
        o.managed_file = dir + "/managed.zone";
        o.reload = {{"/bin/sh", "-c", "echo reload >> " + dir + "/reloads"}};
        o.keys = testing::two_keys(Algorithm::ecdsap256sha256);
        o.serial = SerialPolicy::increment;
        o.sign.block_nodes = 2;  // several blocks: some are taken as kept, some signed again
        base = o;
        publisher = std::make_unique<FilePublisher>(std::move(o), clock, held);
    }
    void TearDown() override { std::filesystem::remove_all(dir); }

    ZoneChange add(const std::string& rdata, std::vector<std::string> expected) const {
        return ZoneChange{"example.test.",
                          {{ChangeAction::add, owner, LDNS_RR_TYPE_TLSA, 300, rdata}},
                          {{owner, LDNS_RR_TYPE_TLSA, 300, std::move(expected)}}};
    }
    std::size_t reloads() const {
        const std::string text = slurp(dir + "/reloads");
        return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    }
    void expect_valid_file() const {
        ReadOptions read;
        read.origin = "example.test.";
        auto z = read_signed_zone_file(dir + "/zone.db.signed", read);
        ASSERT_TRUE(z.ok());
        std::size_t checked = 0;
        EXPECT_EQ(testing::verify_with_ldns(*z, clock.now(), &checked), std::vector<std::string>{});
        EXPECT_GT(checked, 5u);
    }

    // Two changes: the second signing keeps blocks of the file the first wrote.
    void two_changes() {
        ASSERT_TRUE(publisher->apply(add(tlsa1, {})).ok());
        clock.advance(std::chrono::seconds(10));
        auto r = publisher->apply(add(tlsa2, {tlsa1}));
        ASSERT_TRUE(r.ok()) << r.error().message;
        ASSERT_FALSE(held->kept.blocks.blocks.empty());
        ASSERT_TRUE(held->kept.prepared.has_value());
        clock.advance(std::chrono::seconds(10));
    }
    ZoneChange remove(const std::string& rdata, std::vector<std::string> expected) const {
        return ZoneChange{"example.test.",
                          {{ChangeAction::remove, owner, LDNS_RR_TYPE_TLSA, 300, rdata}},
                          {{owner, LDNS_RR_TYPE_TLSA, 300, std::move(expected)}}};
    }

    FakeClock clock{from_unix_seconds(1'800'000'000)};
    std::string dir;
    FilePublisherOptions base;
    std::shared_ptr<HeldSigning> held = std::make_shared<HeldSigning>();
    std::unique_ptr<FilePublisher> publisher;
};

TEST_F(FilePublisherTest, AddSignsWritesReloadsOnce) {
    auto r = publisher->apply(add(tlsa1, {}));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->outcome, UpdateOutcome::applied);
    EXPECT_EQ(r->serial, 2u);
    EXPECT_EQ(reloads(), 1u);
    EXPECT_NE(slurp(dir + "/zone.db.signed").find(owner + "\t300\tIN\tTLSA\t" + tlsa1),
              std::string::npos);
    EXPECT_NE(slurp(dir + "/managed.zone").find(owner), std::string::npos);
    auto rrset = publisher->read_rrset(owner, LDNS_RR_TYPE_TLSA);
    ASSERT_TRUE(rrset.ok());
    EXPECT_EQ(rrset->rdatas, std::vector<std::string>{tlsa1});
    expect_valid_file();

    clock.advance(std::chrono::seconds(10));
    auto again = publisher->apply(add(tlsa1, {tlsa1}));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->outcome, UpdateOutcome::unchanged);
    EXPECT_EQ(again->serial, 2u);
    EXPECT_EQ(reloads(), 1u);
}

TEST_F(FilePublisherTest, AChangedRrsetFailsThePrerequisite) {
    ASSERT_TRUE(publisher->apply(add(tlsa1, {})).ok());
    auto r = publisher->apply(add(tlsa2, {}));  // it was not empty
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->outcome, UpdateOutcome::prerequisite_failed);
    EXPECT_EQ(reloads(), 1u);
}

TEST_F(FilePublisherTest, OurRecordsSavedButTheFileNotWrittenIsCompletedNextTime) {
    // As after a crash between saving our records and writing the signed file.
    ASSERT_TRUE(publisher->apply(add(tlsa1, {})).ok());
    auto managed = load_managed(dir + "/managed.zone", "example.test.");
    ASSERT_TRUE(managed.ok());
    auto second = parse_record(owner + " 300 IN TLSA " + tlsa2, "example.test.");
    managed->push_back(*second);
    ASSERT_TRUE(save_managed(dir + "/managed.zone", *managed).ok());
    clock.advance(std::chrono::seconds(10));
    auto r = publisher->apply(add(tlsa2, {tlsa1}));  // what the server still serves
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->outcome, UpdateOutcome::applied);
    EXPECT_EQ(r->serial, 3u);
    EXPECT_NE(slurp(dir + "/zone.db.signed").find(tlsa2), std::string::npos);
    expect_valid_file();
}

TEST_F(FilePublisherTest, TheOperatorsRecordsAreNeverRemoved) {
    const std::string mx2 = "_25._tcp.mx2.example.test.";
    ZoneChange remove{"example.test.",
                      {{ChangeAction::remove, mx2, LDNS_RR_TYPE_TLSA, 300, tlsa1}},
                      {{mx2, LDNS_RR_TYPE_TLSA, 300, {tlsa1}}}};
    auto r = publisher->apply(remove);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->outcome, UpdateOutcome::refused);
    EXPECT_NE(r->message.find("zone.db"), std::string::npos);
}

// dns-01 cleanup removes what it added, the last record of our file included.
TEST_F(FilePublisherTest, OurLastRecordIsRemoved) {
    const std::string challenge = "_acme-challenge.mx1.example.test.";
    const auto txt = [&](ChangeAction action, std::vector<std::string> expected) {
        return ZoneChange{"example.test.",
                          {{action, challenge, LDNS_RR_TYPE_TXT, 60, "\"token\""}},
                          {{challenge, LDNS_RR_TYPE_TXT, 60, std::move(expected)}}};
    };
    ASSERT_TRUE(publisher->apply(add(tlsa1, {})).ok());
    auto added = publisher->apply(txt(ChangeAction::add, {}));
    ASSERT_TRUE(added.ok()) << added.error().message;
    ASSERT_EQ(added->outcome, UpdateOutcome::applied);
    clock.advance(std::chrono::seconds(10));
    auto removed = publisher->apply(txt(ChangeAction::remove, {"\"token\""}));
    ASSERT_TRUE(removed.ok()) << removed.error().message;
    EXPECT_EQ(removed->outcome, UpdateOutcome::applied) << removed->message;
    EXPECT_EQ(slurp(dir + "/zone.db.signed").find(challenge), std::string::npos);
    EXPECT_EQ(slurp(dir + "/managed.zone").find(challenge), std::string::npos);
    EXPECT_NE(slurp(dir + "/managed.zone").find(owner), std::string::npos);
    expect_valid_file();
}

TEST_F(FilePublisherTest, RefreshWritesOnlyWhenSomethingIsDue) {
    ASSERT_TRUE(publisher->apply(add(tlsa1, {})).ok());
    clock.advance(std::chrono::hours(24));
    auto nothing = publisher->refresh();
    ASSERT_TRUE(nothing.ok());
    EXPECT_FALSE(nothing->has_value());
    EXPECT_EQ(reloads(), 1u);
    // The operator edits the unsigned file (and bumps nothing): it is picked up.
    std::ofstream(dir + "/zone.db", std::ios::app) << "www A 192.0.2.80\n";
    auto edited = publisher->refresh();
    ASSERT_TRUE(edited.ok());
    EXPECT_EQ(edited->value_or(0), 3u);
    EXPECT_EQ(reloads(), 2u);
    // Ten days on, signatures are within five days of expiry: all made again.
    clock.advance(std::chrono::hours(24 * 10));
    auto due = publisher->refresh();
    ASSERT_TRUE(due.ok());
    EXPECT_EQ(due->value_or(0), 4u);
    expect_valid_file();
}

// The publisher keeps the operator's file parsed between calls; an edit that keeps the size, or
// one that breaks the file, is still what the next call goes by.
TEST_F(FilePublisherTest, AnEditOfTheOperatorsFileIsReadAgainByTheSamePublisher) {
    ASSERT_TRUE(publisher->apply(add(tlsa1, {})).ok());
    std::string text = slurp(dir + "/zone.db");
    const std::size_t size = text.size();
    text.replace(text.find("192.0.2.2"), 9, "192.0.2.9");
    std::ofstream(dir + "/zone.db") << text;
    ASSERT_EQ(slurp(dir + "/zone.db").size(), size);
    clock.advance(std::chrono::seconds(10));
    auto r = publisher->apply(add(tlsa2, {tlsa1}));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->outcome, UpdateOutcome::applied);
    const std::string signed_text = slurp(dir + "/zone.db.signed");
    EXPECT_NE(signed_text.find("mx1.example.test.\t300\tIN\tA\t192.0.2.9"), std::string::npos);
    EXPECT_EQ(signed_text.find("192.0.2.2"), std::string::npos);
    expect_valid_file();

    std::ofstream(dir + "/zone.db", std::ios::app) << "www A 192.0.2.999\n";
    auto broken = publisher->read_rrset(owner, LDNS_RR_TYPE_TLSA);
    ASSERT_FALSE(broken.ok());
    EXPECT_EQ(broken.error().kind, ErrorKind::bad_input);
    EXPECT_NE(broken.error().message.find("zone.db:7"), std::string::npos)
        << broken.error().message;
    clock.advance(std::chrono::seconds(10));
    EXPECT_FALSE(publisher->apply(add(tlsa1, {tlsa1, tlsa2})).ok());
    EXPECT_EQ(slurp(dir + "/zone.db.signed"), signed_text);
}

// The daemon's path: the next slot run's publisher takes up the zone's held state (the zone
// prepared, changed in place; the blocks written, taken where unchanged), and the file is the
// one a publisher with nothing held writes.
TEST_F(FilePublisherTest, TheNextPublisherTakesUpTheHeldState) {
    two_changes();
    const std::size_t updates = held->kept.prepared->updates;
    const std::uint64_t generation = held->unsigned_zone->generation;
    publisher.reset();
    FilePublisher next(base, clock, held);
    auto r = next.apply(remove(tlsa2, {tlsa1, tlsa2}));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->outcome, UpdateOutcome::applied);
    EXPECT_EQ(held->unsigned_zone->generation, generation);  // not parsed again
    EXPECT_EQ(held->kept.prepared->updates, updates + 1);    // changed in place
    EXPECT_GT(held->kept.blocks.taken, 0u);
    expect_valid_file();
    const std::string written = slurp(dir + "/zone.db.signed");
    EXPECT_EQ(written.find(tlsa2), std::string::npos);
    // The next change, through the held state and from the file alone (nothing held): the same
    // file, but for the bytes of the signatures made anew.
    std::filesystem::copy_file(dir + "/zone.db.signed", dir + "/alone.signed");
    std::filesystem::copy_file(dir + "/managed.zone", dir + "/alone.managed");
    FilePublisherOptions o = base;
    o.signed_file = dir + "/alone.signed";
    o.managed_file = dir + "/alone.managed";
    clock.advance(std::chrono::seconds(10));
    FilePublisher alone(o, clock);
    ASSERT_TRUE(alone.apply(add(tlsa2, {tlsa1})).ok());
    FilePublisher held_again(base, clock, held);
    ASSERT_TRUE(held_again.apply(add(tlsa2, {tlsa1})).ok());
    EXPECT_EQ(held->kept.prepared->updates, updates + 2);
    EXPECT_EQ(without_signature_bytes(dir + "/zone.db.signed"),
              without_signature_bytes(dir + "/alone.signed"));
    expect_valid_file();
}

// An edit of the operator's file that keeps its size and times is still seen by the next
// publisher: the held records count only while the file hashes the same.
TEST_F(FilePublisherTest, AnEditBehindTheFilesTimesIsReadAgainByTheNextPublisher) {
    two_changes();
    const std::uint64_t generation = held->unsigned_zone->generation;
    const std::string path = dir + "/zone.db";
    struct stat before {};
    ASSERT_EQ(::stat(path.c_str(), &before), 0);
    std::string text = slurp(path);
    text.replace(text.find("192.0.2.2"), 9, "192.0.2.9");
    std::ofstream(path) << text;
    const timespec times[2] = {before.st_atim, before.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
    FilePublisher next(base, clock, held);
    auto r = next.apply(remove(tlsa2, {tlsa1, tlsa2}));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_NE(held->unsigned_zone->generation, generation);
    const std::string written = slurp(dir + "/zone.db.signed");
    EXPECT_NE(written.find("mx1.example.test.\t300\tIN\tA\t192.0.2.9"), std::string::npos);
    EXPECT_EQ(written.find("192.0.2.2"), std::string::npos);
    expect_valid_file();
}

// A signed file that is not the one written (replaced, or rewritten in place) drops the blocks:
// none is taken from it.
TEST_F(FilePublisherTest, ASignedFileNotAsWrittenDropsTheHeldBlocks) {
    const std::string path = dir + "/zone.db.signed";
    for (const bool replaced : {true, false}) {
        SCOPED_TRACE(replaced ? "replaced" : "rewritten in place");
        two_changes();
        const std::string text = slurp(path);
        if (replaced) {
            std::ofstream(path + ".new") << text;
            ASSERT_EQ(::rename((path + ".new").c_str(), path.c_str()), 0);
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            std::ofstream(path) << text;
        }
        FilePublisher next(base, clock, held);
        auto r = next.apply(remove(tlsa2, {tlsa1, tlsa2}));
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(held->kept.blocks.taken, 0u);
        expect_valid_file();
        ASSERT_TRUE(save_managed(dir + "/managed.zone", {}).ok());
        held->drop();
    }
}

// Other keys or other signing times: the held state is dropped whole before anything is read.
TEST_F(FilePublisherTest, OtherKeysOrTimesDropTheHeldState) {
    for (const bool keys : {true, false}) {
        SCOPED_TRACE(keys ? "other keys" : "other signature validity");
        two_changes();
        FilePublisherOptions o = base;
        if (keys)
            o.keys = testing::two_keys(Algorithm::ecdsap256sha256);
        else
            o.sign.validity += Seconds{86400};
        FilePublisher other(o, clock, held);
        ASSERT_TRUE(other.read_rrset(owner, LDNS_RR_TYPE_TLSA).ok());
        EXPECT_TRUE(held->kept.blocks.blocks.empty());
        EXPECT_FALSE(held->kept.prepared.has_value());
        ASSERT_TRUE(other.sign_now().ok());
        expect_valid_file();
        ASSERT_TRUE(save_managed(dir + "/managed.zone", {}).ok());
        FilePublisher back(base, clock, held);
        ASSERT_TRUE(back.sign_now().ok());
    }
}

TEST(FilePublisherReload, AFailingReloadIsAnEnvironmentError) {
    char templ[] = "/tmp/dk-filepub-XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    const std::string dir = templ;
    std::ofstream(dir + "/zone.db") << "$TTL 300\n@ SOA ns1 hostmaster 1 7200 3600 1209600 60\n";
    FilePublisherOptions o;
    o.zone = "example.test.";
    o.unsigned_file = dir + "/zone.db";
    o.signed_file = dir + "/zone.db.signed";
    o.managed_file = dir + "/managed.zone";
    o.reload = {{"/bin/false"}};
    o.keys = testing::two_keys(Algorithm::ed25519);
    FakeClock clock(from_unix_seconds(1'800'000'000));
    FilePublisher publisher(std::move(o), clock);
    auto r = publisher.refresh();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::environment);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dk::zone::sign
