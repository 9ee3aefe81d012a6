// A device directory that appears whole or not at all: built under a hidden temporary name next to
// its final place, synced, then renamed into place in one step.
#pragma once
#include <string>
#include <string_view>

namespace iotops::est {

class StagedDirectory {
public:
    // Makes parent/.name.XXXXXX (mode 0700). Serial numbers never start with '.', so the temporary
    // name cannot be another device's directory.
    StagedDirectory(std::string parent, std::string name);
    ~StagedDirectory();  // removes the temporary directory and its files unless committed
    StagedDirectory(const StagedDirectory&) = delete;
    StagedDirectory& operator=(const StagedDirectory&) = delete;

    const std::string& path() const { return tmp_; }
    const std::string& final_path() const { return final_; }

    // A new file in the staged directory, synced to disk.
    void write_file(const std::string& name, std::string_view data, unsigned mode = 0644);

    // Syncs the directory and renames it to its final path. An existing final path is refused with
    // Error(usage), or with replace swapped out atomically and then removed.
    void commit(bool replace);

private:
    std::string parent_;
    std::string final_;
    std::string tmp_;
    bool committed_ = false;
};

// Throws Error(usage), with a hint at --force, when something is at path already.
void refuse_existing_device(const std::string& path);

// Whether something (a file, a directory, a dangling link) is at path.
bool path_exists(const std::string& path);

// parent/name without a doubled '/'.
std::string join_path(const std::string& parent, const std::string& name);

// Creates dir and its parents when missing; Error(io|permission) when that fails or it is no directory.
void ensure_directory(const std::string& dir);

}  // namespace iotops::est
