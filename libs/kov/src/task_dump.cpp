// The task dump: a snapshot of the runtime's live tasks, and its text form.
#include <kov/detail/runtime_core.hpp>
#include <kov/task.hpp>
#include <kov/task_dump.hpp>

#include <string>

namespace kov {
namespace detail {

namespace {
const char* state_name(task_state s) noexcept {
  switch (s) {
    case task_state::idle:
      return "idle";
    case task_state::scheduled:
      return "scheduled";
    case task_state::running:
      return "running";
    case task_state::completed:
      return "completed";
    case task_state::cancelled:
      return "cancelled";
  }
  return "?";
}
}  // namespace

std::vector<task_snapshot> runtime_core::snapshot() const {
  std::vector<task_snapshot> out;
  out.reserve(live_count_);
  for (const task_header* t = live_.front(); t != nullptr; t = live_list::next(*t)) {
    task_snapshot s;
    s.id = t->id_;
    if (t->name_ != nullptr) s.name = t->name_;
    s.state = state_name(t->state_);
    s.polls = t->polls_;
    s.spawned_at = t->spawned_at_;
    if (t->state_ != task_state::completed) {
      for (const promise_base* p = t->promise_; p != nullptr; p = p->child()) {
        if (p->site().file != nullptr) s.suspended_at.push_back(p->site());
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace detail

std::string format_task_dump(const std::vector<task_snapshot>& tasks) {
  std::string out;
  for (const task_snapshot& t : tasks) {
    out += "task " + std::to_string(t.id);
    if (!t.name.empty()) out += " \"" + t.name + "\"";
    out += " " + t.state + ", polled " + std::to_string(t.polls) + "x";
    if (t.spawned_at.file != nullptr) {
      out += ", spawned at " + std::string(t.spawned_at.file) + ":" +
             std::to_string(t.spawned_at.line);
    }
    out += "\n";
    for (const code_location& at : t.suspended_at) {
      out += "    in " + std::string(at.function) + " at " + at.file + ":" +
             std::to_string(at.line) + "\n";
    }
  }
  return out;
}

}  // namespace kov
