#include "json_views.h"

#include "lockgraph/trace_format.h"

namespace lockgraph::analysis {

nlohmann::json frame_json(const SourceFrame& frame) {
  nlohmann::json j = {{"function", frame.function}, {"file", frame.file}, {"line", frame.line},
                      {"module", frame.module}, {"offset", frame.offset}, {"user", frame.user}};
  return j;
}

nlohmann::json stack_json(const std::vector<SourceFrame>& stack) {
  nlohmann::json frames = nlohmann::json::array();
  for (const SourceFrame& f : stack) frames.push_back(frame_json(f));
  return frames;
}

nlohmann::json flags_json(std::uint32_t flags) {
  nlohmann::json out = nlohmann::json::array();
  if (flags & trace::flag::kTry) out.push_back("try");
  if (flags & trace::flag::kShared) out.push_back("shared");
  if (flags & trace::flag::kTimed) out.push_back("timed");
  return out;
}


}  // namespace lockgraph::analysis

namespace lockgraph::analysis {

void write_streamed(std::ostream& out, const nlohmann::json& doc, const std::function<void(const Emit&)>& produce) {
  const std::string text = doc.dump(2);
  const std::string marker = std::string("\"") + kStreamedArray + "\"";
  const std::size_t at = text.find(marker);
  if (at == std::string::npos) {
    out << text;
    return;
  }
  const std::size_t line_start = text.rfind('\n', at) + 1;
  const std::size_t indent = text.find_first_not_of(' ', line_start) - line_start;
  const std::string item_indent(indent + 2, ' ');
  out.write(text.data(), static_cast<std::streamsize>(at));
  bool first = true;
  produce([&](const nlohmann::json& item) {
    out << (first ? "[\n" : ",\n") << item_indent;
    first = false;
    for (char c : item.dump(2)) {
      out << c;
      if (c == '\n') out << item_indent;
    }
  });
  out << (first ? "[]" : "\n" + std::string(indent, ' ') + "]");
  out << text.substr(at + marker.size());
}

}  // namespace lockgraph::analysis
