// SPDX-License-Identifier: MIT
// Errors that reach the user. Library code throws one of these and never calls exit(); the app
// turns each into one message and the exit code its kind promises.
#pragma once

#include <stdexcept>
#include <string>

namespace hawx {

enum ExitCode : int {
  kExitOk = 0,
  kExitInternal = 1,  // a bug or an unexpected system failure
  kExitConfig = 2,    // bad command line or configuration (the user's config or overrides)
  kExitInput = 3,     // a bad input file: dataset, model, RTL
};

// Base of every user-facing error; what() is the whole message, ready to print.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
  virtual ExitCode exit_code() const { return kExitInternal; }
};

// A configuration file, an override or a command-line value that cannot be used.
class ConfigError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return kExitConfig; }
};

// An input file (dataset, model, RTL, ...) that is missing, malformed or inconsistent.
// The message names the file and what was expected.
class InputError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return kExitInput; }
};

}  // namespace hawx
