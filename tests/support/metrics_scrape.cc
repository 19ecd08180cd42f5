#include "tests/support/metrics_scrape.h"

#include <httplib.h>

#include <sstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace dunbar::testing {
namespace {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// One line of the text format: name{k="v",...} value. Test metrics have no escaped quotes in
// label values, so a plain scan is enough.
std::optional<Sample> ParseLine(const std::string& line) {
  if (line.empty() || line[0] == '#') return std::nullopt;
  Sample sample;
  size_t pos = line.find_first_of("{ ");
  if (pos == std::string::npos) return std::nullopt;
  sample.name = line.substr(0, pos);
  if (line[pos] == '{') {
    const size_t close = line.find('}', pos);
    if (close == std::string::npos) return std::nullopt;
    std::string body = line.substr(pos + 1, close - pos - 1);
    size_t at = 0;
    while (at < body.size()) {
      const size_t eq = body.find("=\"", at);
      const size_t end = body.find('"', eq + 2);
      if (eq == std::string::npos || end == std::string::npos) return std::nullopt;
      sample.labels[body.substr(at, eq - at)] = body.substr(eq + 2, end - eq - 2);
      at = end + 1;
      if (at < body.size() && body[at] == ',') ++at;
    }
    pos = close + 1;
  }
  std::string value = line.substr(pos);
  const size_t first = value.find_first_not_of(' ');
  if (first == std::string::npos) return std::nullopt;
  value = value.substr(first);
  const size_t space = value.find(' ');  // an optional timestamp follows
  if (space != std::string::npos) value = value.substr(0, space);
  if (!absl::SimpleAtod(value, &sample.value)) return std::nullopt;
  return sample;
}

std::vector<Sample> Matching(const std::string& page, const std::string& name,
                             const std::map<std::string, std::string>& labels) {
  std::vector<Sample> matches;
  std::istringstream lines(page);
  std::string line;
  while (std::getline(lines, line)) {
    std::optional<Sample> sample = ParseLine(line);
    if (!sample || sample->name != name) continue;
    bool all = true;
    for (const auto& [key, value] : labels) {
      auto it = sample->labels.find(key);
      if (it == sample->labels.end() || it->second != value) all = false;
    }
    if (all) matches.push_back(*std::move(sample));
  }
  return matches;
}

}  // namespace

absl::StatusOr<std::string> ScrapeMetrics(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5);
  client.set_read_timeout(5);
  httplib::Result result = client.Get("/metrics");
  if (!result) {
    return absl::UnavailableError(
        absl::StrCat("GET /metrics on port ", port, ": ", httplib::to_string(result.error())));
  }
  if (result->status != 200) {
    return absl::InternalError(absl::StrCat("GET /metrics: HTTP ", result->status));
  }
  return result->body;
}

std::optional<double> SampleValue(const std::string& page, const std::string& name,
                                  const std::map<std::string, std::string>& labels) {
  std::vector<Sample> matches = Matching(page, name, labels);
  if (matches.empty()) return std::nullopt;
  return matches.front().value;
}

int SampleCount(const std::string& page, const std::string& name,
                const std::map<std::string, std::string>& labels) {
  return static_cast<int>(Matching(page, name, labels).size());
}

}  // namespace dunbar::testing
