// The emulated ESP32-C3: a Unicorn RV32IMC core, flash behind a 64 KiB-page MMU, SRAM seen at
// its DRAM and IRAM addresses, the peripheral models, trap entry, and virtual time.
//
// Virtual time counts cycles of a 160 MHz time base (clock_config::cpu_hz): per executed
// instruction 1 at a 160 MHz CPU clock, 2 at 80 MHz (peripherals::cycles_per_instruction),
// plus the cycles skipped while the firmware waits on a SYSTIMER alarm (see
// peripherals::take_idle_skip), plus the cycles the CPU sleeps in WFI: WFI jumps to the next event
// that makes a line ready and counts the jump as sleep. Interrupts are taken between basic blocks
// (docs/esp-blink.md, "Timing model").
#pragma once

#include "image.hpp"
#include "peripherals.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

struct uc_struct;

namespace esp_blink::emu {

enum class stop_reason { halted, trap_halt, fault, instruction_cap, time_limit };

struct run_options {
  uint64_t max_instructions = 100'000'000;
  uint64_t max_cycles = 0;  // 0: no limit on virtual time
  /// A watchdog armed only by flash-boot mode (as the ROM leaves it) running this long after
  /// its last feed stops the run as a fault. A model parameter: 5 s; 0 turns the check off.
  /// (A watchdog the firmware enabled resets the chip at its own reset stage instead.)
  uint64_t watchdog_timeout_cycles = 5ull * 160'000'000ull;
  clock_config clocks;
  /// Resets a watchdog may cause before the run stops as a fault (a reset loop).
  unsigned max_resets = 8;
  /// When non-zero: the first instruction of an interrupt handler. Each interrupt taken
  /// records the instructions from its line becoming ready to the first block starting here
  /// (interrupt_record::to_probe).
  uint32_t handler_probe = 0;
  /// When set: a live source of UART0 RX bytes (the CLI's stdin). It appends what has arrived
  /// to `bytes` and returns false once it has ended; with `wait` it may block until something
  /// arrives. The machine asks it every `uart_rx_poll_instructions` and whenever the CPU
  /// sleeps (waiting, when no other event is left), and the bytes arrive from that moment
  /// of virtual time on.
  std::function<bool(std::string& bytes, bool wait)> uart_rx_source;
  uint64_t uart_rx_poll_instructions = 1'000'000;
};

/// One interrupt the CPU took.
struct interrupt_record {
  unsigned line;
  uint64_t ready_cycle;         // the line became ready (pending, enabled, above threshold)
  uint64_t ready_instructions;  // instructions executed by then
  uint64_t taken_instructions;  // ... when the trap was taken
  uint64_t probe_instructions;  // ... when handler_probe was reached (0: not reached)
};

struct trap_record {
  uint32_t mcause;
  uint32_t mepc;
  uint32_t mtval;
};

struct run_result {
  stop_reason reason = stop_reason::fault;
  uint32_t halt_status = 0;  // a0 at the halt loop
  uint64_t instructions = 0;
  uint64_t cycles = 0;
  std::vector<trap_record> traps;
  std::string fault;                          // what went wrong when reason == fault
  uint64_t first_uart_byte_instructions = 0;  // 0: no byte was sent
  uint64_t sleep_cycles = 0;                  // virtual time spent in WFI
  uint64_t interrupts_taken = 0;
  unsigned resets = 0;                       // chip resets by a watchdog
  std::vector<interrupt_record> interrupts;  // the first max_interrupt_records of them
  /// The process exit status the CLI uses (0 only for a clean halt with status 0 or a
  /// requested time limit).
  int exit_status() const;
};

inline constexpr size_t max_interrupt_records = 100'000;

class machine {
 public:
  explicit machine(run_options options = {});
  ~machine();
  machine(const machine&) = delete;
  machine& operator=(const machine&) = delete;

  /// Loads an ELF, an app image (.bin) or a direct-boot image (.direct.bin); throws on error.
  void load_file(const std::string& path);
  void load_bytes(const std::vector<uint8_t>& bytes);

  run_result run();

  peripherals& io() { return io_; }
  const peripherals& io() const { return io_; }

  /// Guest memory as the CPU sees it (for tests and tools); throws on an unmapped address.
  std::vector<uint8_t> read_memory(uint32_t address, size_t size);
  void write_memory(uint32_t address, const std::vector<uint8_t>& bytes);
  const std::string& boot_kind() const { return boot_kind_; }

 private:
  struct block_info {
    uint32_t count = 0;
    std::vector<uint16_t> offsets;  // start of each instruction within the block
    bool is_halt_loop = false;
  };

  void map_flash_page(uint32_t vaddr_page, uint32_t flash_page);
  void load_elf(const std::vector<uint8_t>& bytes);
  void load_app_image(const std::vector<uint8_t>& bytes);
  void load_direct_image(const std::vector<uint8_t>& bytes);
  void write_ram(uint32_t address, const std::vector<uint8_t>& data);
  const block_info& block_at(uint32_t address, uint32_t size);
  uint64_t now() const { return cycles_; }
  void take_interrupt(uint32_t& pc);
  /// After a WFI: sleeps until a line is ready; false when the run must stop (reason set).
  bool sleep(uint32_t pc, run_result& result);
  /// Asks uart_rx_source for bytes and schedules them now; false once it has ended.
  bool feed_uart_rx(bool wait);
  /// A watchdog's reset: the chip boots the image again from `entry_`. False (reason set) once
  /// max_resets is exceeded.
  bool reset_chip(uint32_t& pc, run_result& result);

  friend struct machine_hooks;

  run_options options_;
  uc_struct* uc_ = nullptr;
  peripherals io_;
  // Page-aligned host buffers behind Unicorn's memory (uc_mem_map_ptr wants aligned memory).
  struct host_memory {
    explicit host_memory(size_t size);
    uint8_t* data() { return base_; }
    size_t size() const { return size_; }
    std::vector<uint8_t> storage_;
    uint8_t* base_;
    size_t size_;
  };
  host_memory flash_;
  host_memory sram_;
  host_memory rtc_ram_;
  std::unordered_map<uint32_t, int64_t> mmu_;  // page index -> flash page (shared by both buses)
  std::unordered_map<uint32_t, block_info> blocks_;
  uint32_t entry_ = 0;
  std::string boot_kind_;
  std::vector<uint8_t> image_;  // what load_bytes loaded: a reset loads it again
  uint64_t instructions_ = 0;
  uint64_t cycles_ = 0;
  uint64_t next_rx_poll_ = 0;  // instructions: when to ask uart_rx_source again
  bool rx_source_open_ = false;
  bool halted_ = false;
  bool cap_hit_ = false;
  bool time_hit_ = false;
  const char* watchdog_hit_ = nullptr;
  bool reset_hit_ = false;  // a watchdog's reset stage fired
  unsigned resets_ = 0;
  bool pending_trap_ = false;
  unsigned interrupt_line_ = 0;  // the block hook stopped to take this line
  uint32_t last_block_ = 0;      // start of the block the hook saw last
  uint64_t ready_since_cycle_ = 0, ready_since_instructions_ = 0;
  unsigned ready_line_seen_ = 0;  // the ready line those two belong to
  bool probe_armed_ = false;
  uint64_t sleep_cycles_ = 0;
  uint64_t interrupts_taken_ = 0;
  std::vector<interrupt_record> interrupt_records_;
  uint32_t pending_cause_ = 0;
  std::string fault_;
};

}  // namespace esp_blink::emu
