// Temporary model folders for tests that read files.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>

namespace parity::testing {

// A fresh folder under the system temp directory, removed with everything in it at the end.
class TempDir {
public:
    TempDir() {
        std::random_device random;
        path_ =
            std::filesystem::temp_directory_path() / ("parity_test_" + std::to_string(random()));
        std::filesystem::create_directories(path_);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    std::string str() const { return path_.string(); }
    std::string operator/(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

inline void write_file(const std::string& path, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream out(path, std::ios::binary);
    out << text;
}

// A model folder written from file texts, with some files replaced (an empty text leaves the
// file out); removed at the end like TempDir.
class FilesFolder {
public:
    explicit FilesFolder(const std::map<std::string, std::string>& files,
                         const std::map<std::string, std::string>& changes = {}) {
        auto all = files;
        for (const auto& [name, text] : changes) all[name] = text;
        for (const auto& [name, text] : all)
            if (!text.empty()) write_file(dir_ / name, text);
    }
    std::string path() const { return dir_.str(); }

private:
    TempDir dir_;
};

}  // namespace parity::testing
