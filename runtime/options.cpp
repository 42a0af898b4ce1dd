#include "options.h"

#include <cstdio>
#include <cstdlib>
#include <unistd.h>


// A program may define this to set its own defaults; LOCKGRAPH_OPTIONS still wins.
extern "C" __attribute__((weak, visibility("default"))) const char* lockgraph_default_options() { return ""; }

namespace lockgraph::rt {

bool g_full_mode = false;

namespace {

bool parse_bool(std::string_view value, bool& out) {
  if (value == "1" || value == "true" || value == "yes") return out = true, true;
  if (value == "0" || value == "false" || value == "no") return out = false, true;
  return false;
}

bool parse_int(std::string_view value, long& out) {
  std::string text(value);
  char* end = nullptr;
  long parsed = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0') return false;
  out = parsed;
  return true;
}

bool parse_value(std::string_view value, std::string& out) { return out = value, true; }
bool parse_value(std::string_view value, long& out) { return parse_int(value, out); }
bool parse_value(std::string_view value, bool& out) { return parse_bool(value, out); }

std::string shown_value(const std::string& value) { return value; }
std::string shown_value(long value) { return std::to_string(value); }
std::string shown_value(bool value) { return value ? "1" : "0"; }

constexpr const char* type_word(const std::string&) { return "a string"; }
constexpr const char* type_word(long) { return "an integer"; }
constexpr const char* type_word(bool) { return "0 or 1"; }

void assign(Options& options, std::string_view name, std::string_view value,
            std::vector<std::string>& errors) {
#define LOCKGRAPH_OPTION_ASSIGN(type, field, def, desc)                                       \
  if (name == #field) {                                                                       \
    if (!parse_value(value, options.field))                                                   \
      errors.push_back("option '" #field "' expects " + std::string(type_word(options.field)) + \
                       ", got '" + std::string(value) + "'");                                 \
    return;                                                                                   \
  }
  LOCKGRAPH_OPTION_TABLE(LOCKGRAPH_OPTION_ASSIGN)
#undef LOCKGRAPH_OPTION_ASSIGN
  errors.push_back("unknown option '" + std::string(name) + "' (help=1 lists them)");
}

bool is_separator(char c) { return c == ':' || c == ' ' || c == ',' || c == '\n' || c == '\t'; }

}  // namespace

void parse_options(std::string_view text, Options& options, std::vector<std::string>& errors) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && is_separator(text[pos])) ++pos;
    std::size_t end = pos;
    while (end < text.size() && !is_separator(text[end])) ++end;
    if (end == pos) break;
    std::string_view item = text.substr(pos, end - pos);
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0)
      errors.push_back("option '" + std::string(item) + "' is not of the form name=value");
    else
      assign(options, item.substr(0, eq), item.substr(eq + 1), errors);
    pos = end;
  }
}

std::string options_help() {
  std::string out = "lockgraph runtime options (LOCKGRAPH_OPTIONS=\"name=value:name=value\"):\n";
  char line[512];
#define LOCKGRAPH_OPTION_HELP(type, field, def, desc)                                   \
  {                                                                                     \
    Options defaults;                                                                   \
    std::string shown = shown_value(defaults.field);                                    \
    std::snprintf(line, sizeof line, "  %-18s default=%-22s %s\n", #field, shown.c_str(), desc); \
    out += line;                                                                        \
  }
  LOCKGRAPH_OPTION_TABLE(LOCKGRAPH_OPTION_HELP)
#undef LOCKGRAPH_OPTION_HELP
  return out;
}

std::string expand_trace_path(const std::string& pattern, long pid) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '%' && i + 1 < pattern.size() && pattern[i + 1] == 'p') {
      out += std::to_string(pid);
      ++i;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

const Options& options() {
  static const Options parsed = [] {
    Options result;
    std::vector<std::string> errors;
    parse_options(lockgraph_default_options(), result, errors);
    if (const char* env = std::getenv("LOCKGRAPH_OPTIONS")) parse_options(env, result, errors);
    if (result.mode != "summary" && result.mode != "full") {
      errors.push_back("option 'mode' expects summary or full, got '" + result.mode + "'");
      result.mode = "summary";
    }
    if (result.race_sample != "off" && result.race_sample != "periods" && result.race_sample != "sites") {
      errors.push_back("option 'race_sample' expects off, periods or sites, got '" + result.race_sample + "'");
      result.race_sample = "off";
    }
    if (result.race_sample_site_first < 0 || result.race_sample_site_every < 1) {
      errors.push_back("options 'race_sample_site_first' and 'race_sample_site_every' need >= 0 and >= 1, got " +
                       std::to_string(result.race_sample_site_first) + " and " +
                       std::to_string(result.race_sample_site_every));
      result.race_sample_site_first = 100;
      result.race_sample_site_every = 100;
    }
    if (result.race_sample_ms < 1 || result.race_sample_every_ms < result.race_sample_ms) {
      errors.push_back("options 'race_sample_ms' and 'race_sample_every_ms' need 1 <= race_sample_ms <= "
                       "race_sample_every_ms, got " + std::to_string(result.race_sample_ms) + " and " +
                       std::to_string(result.race_sample_every_ms));
      result.race_sample_ms = 10;
      result.race_sample_every_ms = 100;
    }
    for (const auto& error : errors) std::fprintf(stderr, "lockgraph: %s\n", error.c_str());
    if (result.help) {
      std::fputs(options_help().c_str(), stderr);
      std::_Exit(0);
    }
    return result;
  }();
  return parsed;
}

}  // namespace lockgraph::rt
