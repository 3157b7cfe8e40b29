// The machine: memory map, image loading, the run loop with virtual time, and trap entry.
#include "machine.hpp"

#include <unicorn/unicorn.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace esp_blink::emu {
namespace {

// Memory map: docs/esp32c3.md, "Memory map".
constexpr uint32_t dram_base = 0x3FC80000, iram_base = 0x40380000, sram_size = 0x60000;
constexpr uint32_t rtc_ram_base = 0x50000000, rtc_ram_size = 0x2000;
constexpr uint32_t flash_size = 4u << 20;
constexpr uint32_t direct_entry = 0x42000008;
constexpr uint32_t mstatus_mie = 1u << 3, mstatus_mpie = 1u << 7, mstatus_mpp_m = 3u << 11;
constexpr size_t max_traps = 16;  // a firmware whose trap handler traps again is stopped
constexpr uint32_t wfi = 0x10500073;
constexpr uint32_t mcause_interrupt = 0x80000000u;

std::string hex32(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%08llx", static_cast<unsigned long long>(v));
  return buf;
}

void check(uc_err err, const char* what) {
  if (err != UC_ERR_OK) throw std::runtime_error(std::string(what) + ": " + uc_strerror(err));
}

uint32_t reg_read(uc_engine* uc, int reg) {
  uint32_t v = 0;
  uc_reg_read(uc, reg, &v);
  return v;
}

void reg_write(uc_engine* uc, int reg, uint32_t v) {
  uc_reg_write(uc, reg, &v);
}

bool in_sram(uint32_t a, uint32_t base) {
  return a >= base && a - base < sram_size;
}

}  // namespace

machine::host_memory::host_memory(size_t size) : storage_(size + 4096), size_(size) {
  const auto addr = reinterpret_cast<uintptr_t>(storage_.data());
  // Safety: the offset is below 4096 and storage_ holds size + 4096 bytes.
  base_ = storage_.data() + ((4096 - addr % 4096) % 4096);
}

int run_result::exit_status() const {
  switch (reason) {
    case stop_reason::halted:
      return halt_status == 0 && traps.empty() ? 0 : 1;
    case stop_reason::trap_halt:
      return 1;
    case stop_reason::time_limit:
      return traps.empty() ? 0 : 1;
    case stop_reason::fault:
      return 2;
    case stop_reason::instruction_cap:
      return 3;
  }
  return 2;
}

// Safety: every hook gets `this` as user data; the machine owns the engine and closes it in
// its destructor, so no hook runs on a destroyed machine.
struct machine_hooks {
  static void block(uc_engine* uc, uint64_t address, uint32_t size, void* user) {
    auto& m = *static_cast<machine*>(user);
    const auto& b = m.block_at(static_cast<uint32_t>(address), size);
    if (b.is_halt_loop) {
      m.halted_ = true;
      uc_emu_stop(uc);
      return;
    }
    if (m.io_.needs_update(m.cycles_)) m.io_.update(m.cycles_);
    const unsigned line = m.io_.ready_line();
    if (line != m.ready_line_seen_) {  // when it became ready: the start of its latency
      m.ready_line_seen_ = line;
      m.ready_since_cycle_ = m.cycles_;
      m.ready_since_instructions_ = m.instructions_;
    }
    if (line != 0 && (reg_read(uc, UC_RISCV_REG_MSTATUS) & mstatus_mie) != 0) {
      // Stopping here leaves the block unexecuted and pc at its start: that is mepc.
      m.interrupt_line_ = line;
      uc_emu_stop(uc);
      return;
    }
    if (m.probe_armed_ && address == m.options_.handler_probe) {
      m.probe_armed_ = false;
      auto& records = m.interrupt_records_;
      if (!records.empty()) records.back().probe_instructions = m.instructions_;
    }
    if (m.rx_source_open_ && m.instructions_ >= m.next_rx_poll_) {
      m.next_rx_poll_ = m.instructions_ + m.options_.uart_rx_poll_instructions;
      m.rx_source_open_ = m.feed_uart_rx(false);
    }
    m.last_block_ = static_cast<uint32_t>(address);
    m.instructions_ += b.count;
    m.cycles_ += b.count * m.io_.cycles_per_instruction();
    const uint64_t skip = m.io_.take_idle_skip();
    if (skip != 0) {
      // An idle wait ends early when a watchdog resets the chip meanwhile.
      const uint64_t reset = m.io_.watchdog_reset_cycle();
      m.cycles_ = reset > m.cycles_ && reset - m.cycles_ < skip ? reset : m.cycles_ + skip;
    }
    m.io_.set_instructions(m.instructions_);
    if (m.instructions_ >= m.options_.max_instructions) {
      m.cap_hit_ = true;
      uc_emu_stop(uc);
    } else if (m.options_.max_cycles != 0 && m.cycles_ >= m.options_.max_cycles) {
      m.time_hit_ = true;
      uc_emu_stop(uc);
    } else if (m.cycles_ >= m.io_.watchdog_reset_cycle()) {
      m.reset_hit_ = true;
      uc_emu_stop(uc);
    } else if (m.options_.watchdog_timeout_cycles != 0) {
      m.watchdog_hit_ = m.io_.expired_watchdog(m.cycles_, m.options_.watchdog_timeout_cycles);
      if (m.watchdog_hit_ != nullptr) uc_emu_stop(uc);
    }
  }

  static void interrupt(uc_engine* uc, uint32_t intno, void* user) {
    auto& m = *static_cast<machine*>(user);
    m.pending_trap_ = true;
    m.pending_cause_ = intno;
    uc_emu_stop(uc);
  }

  static bool unmapped(uc_engine* uc, uc_mem_type type, uint64_t address, int size,
                       int64_t /*value*/, void* user) {
    auto& m = *static_cast<machine*>(user);
    const char* kind = type == UC_MEM_FETCH_UNMAPPED || type == UC_MEM_FETCH_PROT   ? "fetch"
                       : type == UC_MEM_WRITE_UNMAPPED || type == UC_MEM_WRITE_PROT ? "write"
                                                                                    : "read";
    m.fault_ = std::string(kind) + " of " + std::to_string(size) + " bytes at " + hex32(address) +
               " (unmapped or read-only), pc " + hex32(reg_read(uc, UC_RISCV_REG_PC));
    return false;
  }

  static uint64_t mmio_read(uc_engine* /*uc*/, uint64_t offset, unsigned size, void* user) {
    auto& m = *static_cast<machine*>(user);
    const auto address = static_cast<uint32_t>(mmio_base + offset);
    const uint32_t word = m.io_.read(address & ~3u, m.now());
    const unsigned shift = 8 * (address & 3u);
    const uint64_t mask = size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1u;
    return (word >> shift) & mask;
  }

  static void mmio_write(uc_engine* /*uc*/, uint64_t offset, unsigned /*size*/, uint64_t value,
                         void* user) {
    auto& m = *static_cast<machine*>(user);
    const auto address = static_cast<uint32_t>(mmio_base + offset);
    const unsigned shift = 8 * (address & 3u);
    m.io_.write(address & ~3u, static_cast<uint32_t>(value << shift), m.now());
  }
};

machine::machine(run_options options)
    : options_(std::move(options)),
      io_(options_.clocks),
      flash_(flash_size),
      sram_(sram_size),
      rtc_ram_(rtc_ram_size) {
  check(uc_open(UC_ARCH_RISCV, UC_MODE_RISCV32, &uc_), "uc_open");
  // Safety: the mapped buffers are members, destroyed only after uc_close in ~machine.
  // One SRAM, two windows: data bus (DRAM) and instruction bus (IRAM).
  check(uc_mem_map_ptr(uc_, dram_base, sram_size, UC_PROT_READ | UC_PROT_WRITE, sram_.data()),
        "map DRAM");
  check(uc_mem_map_ptr(uc_, iram_base, sram_size, UC_PROT_ALL, sram_.data()), "map IRAM");
  check(uc_mem_map_ptr(uc_, rtc_ram_base, rtc_ram_size, UC_PROT_ALL, rtc_ram_.data()),
        "map RTC RAM");
  check(uc_mmio_map(uc_, mmio_base, mmio_size, &machine_hooks::mmio_read, this,
                    &machine_hooks::mmio_write, this),
        "map MMIO");
  uc_hook h;
  // Safety: Unicorn takes every callback as void* and calls it with the signature of the
  // hook type given next to it; each function below has exactly that signature.
  check(uc_hook_add(uc_, &h, UC_HOOK_BLOCK, reinterpret_cast<void*>(&machine_hooks::block), this, 1,
                    0),
        "block hook");
  check(uc_hook_add(uc_, &h, UC_HOOK_INTR, reinterpret_cast<void*>(&machine_hooks::interrupt), this,
                    1, 0),
        "interrupt hook");
  check(uc_hook_add(uc_, &h, UC_HOOK_MEM_INVALID, reinterpret_cast<void*>(&machine_hooks::unmapped),
                    this, 1, 0),
        "memory hook");
}

machine::~machine() {
  if (uc_ != nullptr) uc_close(uc_);
}

void machine::map_flash_page(uint32_t vaddr_page, uint32_t flash_page) {
  const bool code = in_irom(vaddr_page);
  const uint32_t index = (vaddr_page - (code ? irom_base : drom_base)) / mmu_page;
  // The C3's instruction and data buses share one MMU table: page n is one flash page.
  auto [it, fresh] = mmu_.emplace(index, flash_page);
  if (!fresh && it->second != flash_page) {
    throw std::runtime_error("MMU conflict: page " + std::to_string(index) + " maps flash " +
                             hex32(static_cast<uint32_t>(it->second)) + " and " +
                             hex32(flash_page));
  }
  if (flash_page + mmu_page > flash_.size()) throw std::runtime_error("segment beyond 4 MiB flash");
  const uint32_t perms = code ? (UC_PROT_READ | UC_PROT_EXEC) : UC_PROT_READ;
  const uc_err err = uc_mem_map_ptr(uc_, vaddr_page, mmu_page, perms, flash_.data() + flash_page);
  if (err != UC_ERR_OK && err != UC_ERR_MAP) check(err, "map flash page");
}

void machine::write_ram(uint32_t address, const std::vector<uint8_t>& data) {
  uint8_t* dst = nullptr;
  if (in_sram(address, dram_base) && address - dram_base + data.size() <= sram_size) {
    dst = sram_.data() + (address - dram_base);
  } else if (in_sram(address, iram_base) && address - iram_base + data.size() <= sram_size) {
    dst = sram_.data() + (address - iram_base);
  } else if (address >= rtc_ram_base && address - rtc_ram_base + data.size() <= rtc_ram_size) {
    dst = rtc_ram_.data() + (address - rtc_ram_base);
  } else {
    throw std::runtime_error("segment at " + hex32(address) + " is not in RAM");
  }
  std::memcpy(dst, data.data(), data.size());
}

std::vector<uint8_t> machine::read_memory(uint32_t address, size_t size) {
  std::vector<uint8_t> out(size);
  check(uc_mem_read(uc_, address, out.data(), size), "read memory");
  return out;
}

void machine::write_memory(uint32_t address, const std::vector<uint8_t>& bytes) {
  check(uc_mem_write(uc_, address, bytes.data(), bytes.size()), "write memory");
}

void machine::load_file(const std::string& path) {
  load_bytes(read_file(path));
}

void machine::load_bytes(const std::vector<uint8_t>& bytes) {
  if (&bytes != &image_) image_ = bytes;
  if (is_elf(bytes)) {
    load_elf(bytes);
  } else if (is_direct_boot_image(bytes)) {
    load_direct_image(bytes);
  } else if (is_app_image(bytes)) {
    load_app_image(bytes);
  } else {
    throw std::runtime_error("neither an ELF, an app image nor a direct-boot image");
  }
}

void machine::load_elf(const std::vector<uint8_t>& bytes) {
  const elf_file elf = parse_elf(bytes);
  // Every byte goes to its load address, as a flash programmer would put it: flash-mapped
  // addresses (on either bus) at the same flash offset, RAM addresses into SRAM.
  for (const auto& s : elf.segments) {
    if (in_irom(s.paddr) || in_drom(s.paddr)) {
      const uint32_t off = s.paddr - (in_irom(s.paddr) ? irom_base : drom_base);
      if (off + s.data.size() > flash_.size()) throw std::runtime_error("ELF beyond 4 MiB flash");
      std::memcpy(flash_.data() + off, s.data.data(), s.data.size());
    } else {
      write_ram(s.paddr, s.data);
    }
  }
  for (uint32_t off = 0; off < flash_.size(); off += mmu_page) {
    map_flash_page(irom_base + off, off);
    map_flash_page(drom_base + off, off);
  }
  entry_ = elf.entry;
  boot_kind_ = "ELF";
}

void machine::load_direct_image(const std::vector<uint8_t>& bytes) {
  if (bytes.size() > flash_.size()) throw std::runtime_error("image larger than 4 MiB flash");
  std::memcpy(flash_.data(), bytes.data(), bytes.size());
  // The ROM's direct-boot path: 4 MiB mapped on both buses, entry at offset 8.
  for (uint32_t off = 0; off < flash_.size(); off += mmu_page) {
    map_flash_page(irom_base + off, off);
    map_flash_page(drom_base + off, off);
  }
  entry_ = direct_entry;
  boot_kind_ = "direct boot";
}

void machine::load_app_image(const std::vector<uint8_t>& bytes) {
  const app_image img = parse_app_image(bytes);
  if (img.header.chip_id != 0x0005) throw std::runtime_error("image is not for the ESP32-C3");
  if (app_flash_offset + bytes.size() > flash_.size()) throw std::runtime_error("image too large");
  std::memcpy(flash_.data() + app_flash_offset, bytes.data(), bytes.size());
  // What the 2nd-stage bootloader does: map flash segments page by page, copy RAM segments.
  for (const auto& s : img.segments) {
    if (s.vaddr == 0) continue;  // padding
    if (in_irom(s.vaddr) || in_drom(s.vaddr)) {
      const uint32_t first = s.vaddr & ~(mmu_page - 1);
      const uint32_t flash_first = (app_flash_offset + s.file_offset) & ~(mmu_page - 1);
      const auto end = static_cast<uint32_t>(s.vaddr + s.data.size());
      for (uint32_t page = first; page < end; page += mmu_page) {
        map_flash_page(page, flash_first + (page - first));
      }
    } else {
      write_ram(s.vaddr, s.data);
    }
  }
  entry_ = img.header.entry;
  boot_kind_ = "app image";
}

const machine::block_info& machine::block_at(uint32_t address, uint32_t size) {
  auto it = blocks_.find(address);
  if (it != blocks_.end() && it->second.offsets.size() == it->second.count) return it->second;
  block_info b;
  // A block Unicorn could not translate (its first instruction is undecodable) arrives with a
  // negative 16-bit length; nothing of it runs (the CPU traps), so it counts no instructions.
  if (size >= 0x8000) size = 0;
  std::vector<uint8_t> code(size + 2);
  uc_mem_read(uc_, address, code.data(), size);
  for (uint32_t off = 0; off < size;) {
    const uint16_t half = static_cast<uint16_t>(code[off] | code[off + 1] << 8);
    b.offsets.push_back(static_cast<uint16_t>(off));
    off += (half & 3u) == 3u ? 4u : 2u;
  }
  b.count = static_cast<uint32_t>(b.offsets.size());
  uint32_t word = 0;
  std::memcpy(&word, code.data(), size >= 4 ? 4 : 2);
  // `j .` in either encoding: c.j 0 (0xa001) or jal x0, 0 (0x0000006f).
  b.is_halt_loop = (size == 2 && (word & 0xFFFFu) == 0xA001u) || (size == 4 && word == 0x6Fu);
  return blocks_[address] = std::move(b);
}

void machine::take_interrupt(uint32_t& pc) {
  const unsigned line = interrupt_line_;
  ++interrupts_taken_;
  if (interrupt_records_.size() < max_interrupt_records) {
    interrupt_records_.push_back(
        {line, ready_since_cycle_, ready_since_instructions_, instructions_, 0});
    probe_armed_ = options_.handler_probe != 0;
  }
  const uint32_t mstatus = reg_read(uc_, UC_RISCV_REG_MSTATUS);
  reg_write(uc_, UC_RISCV_REG_MSTATUS,
            (mstatus & ~(mstatus_mie | mstatus_mpie)) | mstatus_mpp_m |
                ((mstatus & mstatus_mie) != 0 ? mstatus_mpie : 0));
  reg_write(uc_, UC_RISCV_REG_MEPC, pc);
  reg_write(uc_, UC_RISCV_REG_MCAUSE, mcause_interrupt | line);
  const uint32_t mtvec = reg_read(uc_, UC_RISCV_REG_MTVEC);
  pc = (mtvec & ~3u) + ((mtvec & 3u) == 1 ? 4 * line : 0);
}

bool machine::sleep(uint32_t pc, run_result& result) {
  // The block hook counted the whole block; the instructions after the WFI did not run.
  const auto it = blocks_.find(last_block_);
  if (it != blocks_.end()) {
    for (const uint16_t off : it->second.offsets) {
      if (last_block_ + off >= pc) {
        --instructions_;
        cycles_ -= io_.cycles_per_instruction();
      }
    }
  }
  const uint64_t limit = options_.max_cycles != 0 ? options_.max_cycles : UINT64_MAX;
  for (;;) {
    if (rx_source_open_) rx_source_open_ = feed_uart_rx(false);
    io_.update(cycles_);
    // WFI wakes on a ready line whatever mstatus.MIE says (the mask-check-WFI pattern).
    if (io_.ready_line() != 0) return true;
    const uint64_t reset = io_.watchdog_reset_cycle();
    if (cycles_ >= reset) {
      reset_hit_ = true;
      return true;
    }
    const uint64_t event = io_.next_event_cycle();
    const uint64_t next = reset < event ? reset : event;
    // Nothing else to wait for: the next event is whatever the source sends.
    if (next == UINT64_MAX && rx_source_open_) {
      rx_source_open_ = feed_uart_rx(true);
      continue;
    }
    if (next == UINT64_MAX && limit == UINT64_MAX) {
      result.reason = stop_reason::fault;
      result.fault = "WFI at " + hex32(pc - 4) + " with no event left that could wake it";
      return false;
    }
    const uint64_t until = next < limit ? next : limit;
    if (until > cycles_) {
      sleep_cycles_ += until - cycles_;
      cycles_ = until;
    }
    if (cycles_ >= limit) {
      result.reason = stop_reason::time_limit;
      return false;
    }
    if (options_.watchdog_timeout_cycles != 0) {
      const char* dog = io_.expired_watchdog(cycles_, options_.watchdog_timeout_cycles);
      if (dog != nullptr) {
        result.reason = stop_reason::fault;
        result.fault = std::string(dog) + " expired while the CPU slept in WFI";
        return false;
      }
    }
  }
}

bool machine::feed_uart_rx(bool wait) {
  std::string bytes;
  const bool open = options_.uart_rx_source(bytes, wait);
  if (!bytes.empty()) io_.schedule_uart0_rx(bytes, cycles_);
  return open;
}

bool machine::reset_chip(uint32_t& pc, run_result& result) {
  const uint8_t reason = io_.watchdog_reset_reason();
  if (++resets_ > options_.max_resets) {
    result.reason = stop_reason::fault;
    result.fault = "reset loop: a watchdog reset the chip more than " +
                   std::to_string(options_.max_resets) + " times";
    return false;
  }
  // Reset reasons 0x10 and 0x12 (RTC watchdog system reset, super watchdog) reset the RTC domain
  // too. SRAM keeps its contents through a reset; the boot loads the image's segments again.
  io_.chip_reset(reason, reason != 0x10 && reason != 0x12, cycles_);
  io_.report("chip reset by a watchdog at " +
             std::to_string(cycles_ / (options_.clocks.cpu_hz / 1000)) + " ms (reset reason " +
             hex32(uint64_t{reason}) + "), boot " + std::to_string(resets_ + 1));
  load_bytes(image_);
  for (int r = UC_RISCV_REG_X1; r <= UC_RISCV_REG_X31; ++r) reg_write(uc_, r, 0);
  reg_write(uc_, UC_RISCV_REG_MSTATUS, mstatus_mpp_m);
  reg_write(uc_, UC_RISCV_REG_MTVEC, 0);
  interrupt_line_ = ready_line_seen_ = 0;
  pc = entry_;
  return true;
}

run_result machine::run() {
  run_result result;
  rx_source_open_ = static_cast<bool>(options_.uart_rx_source);
  uint32_t pc = entry_;
  reg_write(uc_, UC_RISCV_REG_MSTATUS, mstatus_mpp_m);  // machine mode, as the ROM leaves it
  for (;;) {
    if (reset_hit_ && !reset_chip(pc, result)) break;
    halted_ = cap_hit_ = time_hit_ = pending_trap_ = reset_hit_ = false;
    interrupt_line_ = 0;
    watchdog_hit_ = nullptr;
    fault_.clear();
    const uc_err err = uc_emu_start(uc_, pc, 0xFFFFFFFFu, 0, 0);
    pc = reg_read(uc_, UC_RISCV_REG_PC);
    if (reset_hit_) continue;
    if (halted_) {
      result.reason = result.traps.empty() ? stop_reason::halted : stop_reason::trap_halt;
      result.halt_status = reg_read(uc_, UC_RISCV_REG_A0);
      break;
    }
    if (cap_hit_) {
      result.reason = stop_reason::instruction_cap;
      break;
    }
    if (time_hit_) {
      result.reason = stop_reason::time_limit;
      break;
    }
    if (watchdog_hit_ != nullptr) {
      result.reason = stop_reason::fault;
      result.fault =
          std::string(watchdog_hit_) + " still running " +
          std::to_string(options_.watchdog_timeout_cycles / (options_.clocks.cpu_hz / 1000)) +
          " ms after its last feed: the chip would reset";
      break;
    }
    if (interrupt_line_ != 0) {
      take_interrupt(pc);
      continue;
    }
    if (pending_trap_) {
      // Unicorn 2.0.1 reports the exception with pc advanced by 4 whatever the instruction's
      // length (seen with 2-byte c.unimp and 4-byte unimp alike), so the faulting instruction
      // starts 4 bytes back (docs/esp32c3.md, "Host emulation with Unicorn").
      const uint32_t mepc = pc - 4;
      uint32_t insn = 0;
      uc_mem_read(uc_, mepc, &insn, 4);
      if ((insn & 3u) != 3u) insn &= 0xFFFFu;
      uint32_t mcause = pending_cause_;
      uint32_t mtval = 0;
      if (pending_cause_ == 2) mtval = insn;  // illegal instruction: its bits
      if (pending_cause_ == 8) mcause = 11;   // ecall, from machine mode on the chip
      result.traps.push_back({mcause, mepc, mtval});
      if (result.traps.size() > max_traps) {
        result.reason = stop_reason::fault;
        result.fault = "trap loop: more than 16 traps";
        break;
      }
      const uint32_t mstatus = reg_read(uc_, UC_RISCV_REG_MSTATUS);
      reg_write(uc_, UC_RISCV_REG_MSTATUS,
                (mstatus & ~(mstatus_mie | mstatus_mpie)) | mstatus_mpp_m |
                    ((mstatus & mstatus_mie) != 0 ? mstatus_mpie : 0));
      reg_write(uc_, UC_RISCV_REG_MEPC, mepc);
      reg_write(uc_, UC_RISCV_REG_MCAUSE, mcause);
      reg_write(uc_, UC_RISCV_REG_MTVAL, mtval);
      // Exceptions enter at the table base in vectored mode too.
      pc = reg_read(uc_, UC_RISCV_REG_MTVEC) & ~3u;
      continue;
    }
    uint32_t insn = 0;
    if (err == UC_ERR_OK && fault_.empty() && uc_mem_read(uc_, pc - 4, &insn, 4) == UC_ERR_OK &&
        insn == wfi) {
      if (sleep(pc, result)) continue;
      break;
    }
    result.reason = stop_reason::fault;
    result.fault = !fault_.empty()    ? fault_
                   : err != UC_ERR_OK ? std::string(uc_strerror(err)) + " at pc " + hex32(pc)
                                      : "emulation stopped at pc " + hex32(pc);
    break;
  }
  io_.flush_outputs(cycles_);
  result.instructions = instructions_;
  result.cycles = cycles_;
  result.first_uart_byte_instructions = io_.first_uart0_byte_instructions();
  result.sleep_cycles = sleep_cycles_;
  result.interrupts_taken = interrupts_taken_;
  result.resets = resets_;
  result.interrupts = interrupt_records_;
  return result;
}

}  // namespace esp_blink::emu
