//===- Status.h - Errors of the runtime without exceptions ------*- C++ -*-===//
//
// The runtime is plain C++17 built without exceptions in mind: every fallible
// call returns a Status (or StatusOr<T>) whose message is meant for the user.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_RUNTIME_STATUS_H
#define TESSERA_RUNTIME_STATUS_H

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace tessera::rt {

class [[nodiscard]] Status {
public:
  Status() = default;
  static Status error(std::string message) {
    Status status;
    status.failed = true;
    status.text = std::move(message);
    return status;
  }
  bool ok() const { return !failed; }
  explicit operator bool() const { return ok(); }
  const std::string &message() const { return text; }

private:
  bool failed = false;
  std::string text;
};

template <typename T> class [[nodiscard]] StatusOr {
public:
  StatusOr(T value) : content(std::move(value)) {}
  StatusOr(Status status) : failure(std::move(status)) {
    assert(!failure.ok() && "StatusOr built from an ok Status");
  }
  bool ok() const { return content.has_value(); }
  explicit operator bool() const { return ok(); }
  const Status &status() const { return failure; }
  T &value() { return *content; }
  const T &value() const { return *content; }
  T &operator*() { return *content; }
  T *operator->() { return &*content; }
  const T *operator->() const { return &*content; }

private:
  std::optional<T> content;
  Status failure;
};

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_STATUS_H
