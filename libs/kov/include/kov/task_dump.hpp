// A snapshot of a runtime's live tasks: what each is and where it is suspended.
#pragma once

#include <kov/detail/location.hpp>
#include <kov/export.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace kov {

/// A place in the source (file, function, line), as recorded at a spawn or a co_await.
using code_location = detail::location;

/// One live task of a runtime, as runtime::dump() and dump_tasks() report it.
struct task_snapshot {
  /// The task's id (join_handle::id()).
  std::uint64_t id = 0;
  std::string name;            ///< empty when spawned without one
  std::string state;           ///< "idle", "scheduled", "running", "completed"
  std::uint64_t polls = 0;     ///< times the runtime resumed it
  code_location spawned_at{};  ///< the spawn call
  /// The co_await each frame of the task is suspended at, outermost frame first; the last entry
  /// is the innermost await (what the task is waiting on).
  std::vector<code_location> suspended_at;
};

/// One task a line, then one indented line per frame, for logs and debugging.
KOV_API std::string format_task_dump(const std::vector<task_snapshot>& tasks);

}  // namespace kov
