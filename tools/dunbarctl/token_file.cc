#include "tools/dunbarctl/token_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace dunbar::dunbarctl {
namespace {

absl::Status ErrnoStatus(const std::string& path, absl::string_view action, int error) {
  const std::string message = absl::StrCat(path, ": cannot ", action, ": ", std::strerror(error));
  switch (error) {
    case ENOENT:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(message);
    default:
      return absl::InternalError(message);
  }
}

// Closes the descriptor on every path out.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

absl::Status WriteAll(int fd, absl::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t written = write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(path, "write", errno);
    }
    data.remove_prefix(static_cast<size_t>(written));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TokenFileAppend> AppendTokenLine(const std::string& path, absl::string_view line) {
  TokenFileAppend result;
  // O_EXCL first tells us whether we created it (and so chose its mode).
  int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    result.created = true;
  } else if (errno == EEXIST) {
    fd = open(path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
  }
  if (fd < 0) return ErrnoStatus(path, "open", errno);
  FileDescriptor file(fd);

  struct stat info {};
  if (fstat(file.get(), &info) != 0) return ErrnoStatus(path, "stat", errno);
  result.group_or_other_access = !result.created && (info.st_mode & 077) != 0;

  std::string text;
  if (info.st_size > 0) {
    char last = '\n';
    if (pread(file.get(), &last, 1, info.st_size - 1) != 1) {
      return ErrnoStatus(path, "read", errno);
    }
    if (last != '\n') text.push_back('\n');
  }
  text.append(line.data(), line.size());
  text.push_back('\n');
  if (absl::Status written = WriteAll(file.get(), text, path); !written.ok()) return written;
  if (fsync(file.get()) != 0) return ErrnoStatus(path, "fsync", errno);
  return result;
}

}  // namespace dunbar::dunbarctl
