// SPDX-License-Identifier: MIT
// A library multiplier characterised with generic45 (synthesis cached on disk as in a study;
// once per test program in memory), for tests that need its energy model and area.
#pragma once

#include <map>
#include <string>

#include "rtl/characterize.h"
#include "rtl/library.h"
#include "tests/support/test_support.h"

namespace hawx::test {

inline const rtl::Characterization& characterized_library(const std::string& name) {
  static std::map<std::string, rtl::Characterization> cache;
  auto it = cache.find(name);
  if (it == cache.end()) {
    const auto tech_file = source_dir() / "configs" / "tech" / "generic45.yaml";
    rtl::CharacterizeOptions options;
    options.tech = rtl::TechSpec::load(tech_file);
    options.tech_text = read_file(tech_file);
    it = cache.emplace(name, rtl::characterize(rtl::MultiplierSpec::library(name), options)).first;
  }
  return it->second;
}

}  // namespace hawx::test
