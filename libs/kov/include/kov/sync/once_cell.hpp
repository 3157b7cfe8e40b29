// kov::once_cell<T>: a value set once, possibly by an async initialiser. Of the tasks calling
// get_or_init at once, one runs the initialiser and the others wait for its value; if the
// initialiser is abandoned (its task aborted) or throws, the next waiter runs its own.
//
//   kov::once_cell<config> cell;
//   const config* c = co_await cell.get_or_init([] { return load_config(); });  // a task<config>
//
// Tasks of one runtime only. Cancel-safety of get_or_init: abandoning a wait loses nothing;
// abandoning the initialisation loses its progress, and the next waiter starts over.
#pragma once

#include <kov/detail/settle_wait.hpp>
#include <kov/detail/wait_list.hpp>
#include <kov/task.hpp>
#include <kov/waker.hpp>

#include <optional>
#include <utility>

namespace kov {

// Invariant: once value_ holds a value it never changes and waiters_ is empty; initializing_ is
// true while exactly one get_or_init runs its initialiser; waiters_ are get_or_init calls
// waiting for that one to finish.
template <class T>
/// A value set once, possibly by an async initialiser: of the tasks calling `get_or_init` at
/// once, one runs its initialiser and the others wait for the value; if that initialiser is
/// abandoned or throws, the next waiter runs its own. Tasks of one runtime only.
class once_cell {
 public:
  /// An empty cell.
  once_cell() noexcept = default;
  once_cell(const once_cell&) = delete;
  once_cell& operator=(const once_cell&) = delete;
  ~once_cell() { KOV_ASSERT(waiters_.empty(), "kov::once_cell destroyed with waiters"); }

  /// The value, or null while there is none.
  const T* get() const noexcept { return value_ ? &*value_ : nullptr; }
  /// True once the cell holds a value.
  bool initialized() const noexcept { return value_.has_value(); }

  /// Stores `value` if the cell is empty and no initialiser is running (true), waking every
  /// get_or_init waiting; otherwise false and `value` is dropped.
  bool set(T value) {
    if (value_ || initializing_) return false;
    value_.emplace(std::move(value));
    wake_all();
    return true;
  }

  /// The value, running `init()` (a callable returning an awaitable of T, such as a task<T>) to
  /// make it if the cell is empty and nobody else is making it; otherwise waits for whoever is.
  /// The pointer stays valid as long as the cell. An exception from `init` reaches this caller
  /// only; the next waiter then initialises.
  ///
  /// Cancel-safe for a waiter; an abandoned initialiser loses its progress and the next waiter
  /// starts over. With GCC 12, pass `init` as a named variable, not a capturing lambda written
  /// inside the `co_await` (GCC 12 destroys such a temporary twice).
  template <class F>
  task<const T*> get_or_init(F init) {
    while (!value_) {
      if (initializing_) {
        co_await wait_awaitable(*this);
        continue;
      }
      const initializer guard(*this);
      T v = co_await init();
      value_.emplace(std::move(v));
    }
    co_return &*value_;
  }

 private:
  // Marks the initialiser running; when it ends, wakes every waiter (a value was made) or the
  // first (none was: that one initialises next).
  class initializer {
   public:
    explicit initializer(once_cell& c) noexcept : c_(c) { c_.initializing_ = true; }
    initializer(const initializer&) = delete;
    initializer& operator=(const initializer&) = delete;
    ~initializer() {
      c_.initializing_ = false;
      if (c_.value_) {
        c_.wake_all();
      } else {
        c_.hand_off();
      }
    }

   private:
    once_cell& c_;
  };

  class wait_awaitable : public detail::settle_wait<wait_awaitable> {
   public:
    explicit wait_awaitable(once_cell& c) noexcept
        : detail::settle_wait<wait_awaitable>(c.waiters_), c_(c) {}
    wait_awaitable(const wait_awaitable&) = delete;
    wait_awaitable& operator=(const wait_awaitable&) = delete;
    ~wait_awaitable() {
      // Chosen to initialise next but abandoned: the turn passes on (a linked node leaves the
      // list in the base's destructor).
      if (!this->node_.linked_ && this->node_.granted_) c_.hand_off();
    }
    bool settled() const noexcept { return c_.settled(); }
    void await_resume() noexcept { this->node_.granted_ = false; }

   private:
    once_cell& c_;
  };

  // A waiting get_or_init would go on now: the value is there, or nobody is making it.
  bool settled() const noexcept { return value_ || !initializing_; }
  void wake_all() noexcept { waiters_.grant_all(); }
  void hand_off() noexcept {
    if (value_ || initializing_) return;
    if (detail::wait_node* n = waiters_.pop_front()) detail::wait_list::grant(*n);
  }

  std::optional<T> value_;
  bool initializing_ = false;
  detail::wait_list waiters_;
};

}  // namespace kov
