//===- FileIOTest.cpp - The output and input file helpers -----------------===//
//
// Outputs never replace what is not a regular file; inputs refuse what is
// not one. Each case is a path a user (or the README) really passes.
//
//===----------------------------------------------------------------------===//

#include "Pipeline/InputFile.h"
#include "Pipeline/OutputFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace mlir::tessera;

namespace {

class FileIOTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(
        llvm::sys::fs::createUniqueDirectory("tessera-fileio", directory));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(directory); }
  std::string path(llvm::StringRef name) const {
    llvm::SmallString<256> result(directory);
    llvm::sys::path::append(result, name);
    return std::string(result);
  }
  std::string read(const std::string &file) const {
    auto buffer = llvm::MemoryBuffer::getFile(file);
    return buffer ? (*buffer)->getBuffer().str() : "<unreadable>";
  }
  /// No temporary is left next to the outputs.
  size_t entries() const {
    std::error_code ec;
    size_t count = 0;
    for (llvm::sys::fs::directory_iterator it(directory, ec), end;
         !ec && it != end; it.increment(ec))
      ++count;
    return count;
  }
  llvm::SmallString<256> directory;
};

TEST_F(FileIOTest, RegularFileIsReplacedAndKeepsItsMode) {
  std::string file = path("out.txt");
  ASSERT_FALSE(bool(writeFileAtomically(file, "first")));
  ASSERT_EQ(::chmod(file.c_str(), 0640), 0);
  ASSERT_FALSE(bool(writeFileAtomically(file, "second")));
  EXPECT_EQ(read(file), "second");
  struct stat info;
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0640u);
  EXPECT_EQ(entries(), 1u);
}

TEST_F(FileIOTest, DevNullStaysACharacterDevice) {
  ASSERT_FALSE(bool(writeFileAtomically("/dev/null", "bytes")));
  struct stat info;
  ASSERT_EQ(::stat("/dev/null", &info), 0);
  EXPECT_TRUE(S_ISCHR(info.st_mode));
}

TEST_F(FileIOTest, SymlinkIsWrittenThrough) {
  std::string target = path("target.txt");
  std::string link = path("link.txt");
  ASSERT_FALSE(bool(writeFileAtomically(target, "old")));
  ASSERT_EQ(::symlink("target.txt", link.c_str()), 0);
  ASSERT_FALSE(bool(writeFileAtomically(link, "new")));
  struct stat info;
  ASSERT_EQ(::lstat(link.c_str(), &info), 0);
  EXPECT_TRUE(S_ISLNK(info.st_mode));
  EXPECT_EQ(read(target), "new");
  EXPECT_EQ(entries(), 2u);
}

TEST_F(FileIOTest, DanglingSymlinkCreatesItsTarget) {
  std::string link = path("link.txt");
  ASSERT_EQ(::symlink("created.txt", link.c_str()), 0);
  ASSERT_FALSE(bool(writeFileAtomically(link, "bytes")));
  struct stat info;
  ASSERT_EQ(::lstat(link.c_str(), &info), 0);
  EXPECT_TRUE(S_ISLNK(info.st_mode));
  EXPECT_EQ(read(path("created.txt")), "bytes");
}

TEST_F(FileIOTest, FifoIsWrittenNotReplaced) {
  std::string fifo = path("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] {
    FILE *in = std::fopen(fifo.c_str(), "rb");
    ASSERT_NE(in, nullptr);
    char chunk[64];
    size_t n;
    while ((n = std::fread(chunk, 1, sizeof(chunk), in)) > 0)
      received.append(chunk, n);
    std::fclose(in);
  });
  llvm::Error error = writeFileAtomically(fifo, "through the pipe");
  reader.join();
  EXPECT_FALSE(bool(error));
  EXPECT_EQ(received, "through the pipe");
  struct stat info;
  ASSERT_EQ(::lstat(fifo.c_str(), &info), 0);
  EXPECT_TRUE(S_ISFIFO(info.st_mode));
}

TEST_F(FileIOTest, DirectoryIsRefused) {
  llvm::Error error = writeFileAtomically(directory, "bytes");
  ASSERT_TRUE(bool(error));
  EXPECT_NE(llvm::toString(std::move(error)).find("Is a directory"),
            std::string::npos);
}

TEST_F(FileIOTest, InputsMustBeRegularFiles) {
  for (const char *device : {"/dev/zero", "/dev/null"}) {
    auto buffer = readInputFile(device);
    ASSERT_FALSE(bool(buffer)) << device;
    EXPECT_NE(llvm::toString(buffer.takeError()).find("character device"),
              std::string::npos);
  }
  auto buffer = readInputFile(std::string(directory));
  ASSERT_FALSE(bool(buffer));
  EXPECT_NE(llvm::toString(buffer.takeError()).find("is a directory"),
            std::string::npos);

  std::string fifo = path("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  buffer = readInputFile(fifo); // Must not wait for a writer.
  ASSERT_FALSE(bool(buffer));
  EXPECT_NE(llvm::toString(buffer.takeError()).find("is a pipe"),
            std::string::npos);
}

TEST_F(FileIOTest, InputsOverTheLimitAreRefused) {
  std::string file = path("big.mlir");
  ASSERT_FALSE(bool(writeFileAtomically(file, std::string(100, 'x'))));
  ::setenv("TESSERA_MAX_INPUT_BYTES", "64", 1);
  auto refused = readInputFile(file);
  ::unsetenv("TESSERA_MAX_INPUT_BYTES");
  ASSERT_FALSE(bool(refused));
  EXPECT_NE(llvm::toString(refused.takeError()).find("limit of 64 bytes"),
            std::string::npos);
  auto accepted = readInputFile(file);
  ASSERT_TRUE(bool(accepted));
  EXPECT_EQ((*accepted)->getBufferSize(), 100u);
  EXPECT_EQ((*accepted)->getBufferEnd()[0], '\0'); // Null-terminated.
}

} // namespace
