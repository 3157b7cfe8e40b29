// Internal: the receiving side of kov::handle, a runtime's inbox for work sent from any thread.
#pragma once

#include <kov/export.hpp>
#include <kov/mpsc.hpp>

#include <memory>

namespace kov::detail {

class runtime_core;

// One unit of work sent through a kov::handle; run() is called on the runtime's thread.
class posted_work {
 public:
  posted_work() = default;
  virtual ~posted_work() = default;
  posted_work(const posted_work&) = delete;
  posted_work& operator=(const posted_work&) = delete;
  virtual void run(runtime_core& rt) = 0;
};
using posted_ptr = std::unique_ptr<posted_work>;

// The runtime's end: the sender that handles copy. Its receiver belongs to the inbox task.
struct handle_inbox {
  mpsc_sender<posted_ptr> tx;
};

// A sender into `rt`'s inbox, starting the inbox task on first use. Call on rt's thread.
KOV_API mpsc_sender<posted_ptr> inbox_sender(runtime_core& rt);

}  // namespace kov::detail
