#include <gtest/gtest.h>

#include "options.h"

namespace lockgraph::rt {
namespace {

TEST(Options, DefaultsMatchTheTable) {
  Options o;
  EXPECT_EQ(o.mode, "summary");
  EXPECT_EQ(o.stack_depth, 32);
  EXPECT_TRUE(o.enabled);
}

TEST(Options, ParsesTsanGrammarWithEverySeparator) {
  Options o;
  std::vector<std::string> errors;
  parse_options("trace_path=out/%p.lgtrace:mode=full stack_depth=8,flush_interval_ms=50\nenabled=0",
                o, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(o.trace_path, "out/%p.lgtrace");
  EXPECT_EQ(o.mode, "full");
  EXPECT_EQ(o.stack_depth, 8);
  EXPECT_EQ(o.flush_interval_ms, 50);
  EXPECT_FALSE(o.enabled);
}

TEST(Options, ReportsUnknownAndMalformedOptionsAndKeepsDefaults) {
  Options o;
  std::vector<std::string> errors;
  parse_options("nonsense=1:stack_depth=deep:enabled=maybe:novalue", o, errors);
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_NE(errors[0].find("unknown option 'nonsense'"), std::string::npos);
  EXPECT_NE(errors[1].find("'stack_depth' expects an integer"), std::string::npos);
  EXPECT_NE(errors[2].find("'enabled' expects 0 or 1"), std::string::npos);
  EXPECT_NE(errors[3].find("not of the form name=value"), std::string::npos);
  EXPECT_EQ(o.stack_depth, 32);
}

TEST(Options, HelpListsEveryOptionWithItsDefault) {
  std::string help = options_help();
  for (const char* name : {"trace_path", "mode", "stack_depth", "flush_interval_ms", "enabled",
                           "verbosity", "help"})
    EXPECT_NE(help.find(name), std::string::npos) << name;
  EXPECT_NE(help.find("default=summary"), std::string::npos);
}

TEST(Options, ExpandsProcessId) {
  EXPECT_EQ(expand_trace_path("dir/%p.lgtrace", 42), "dir/42.lgtrace");
  EXPECT_EQ(expand_trace_path("plain", 42), "plain");
}

}  // namespace
}  // namespace lockgraph::rt
