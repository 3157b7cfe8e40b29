// UART0 RX from the emulator's standard input (`--uart-rx -`, or an interactive terminal):
// the bytes that have arrived, read without blocking unless the machine has nothing else to
// wait for (run_options::uart_rx_source).
#pragma once

#include <string>

namespace esp_blink::emu {

/// Appends what standard input has to `bytes`; with `wait`, first blocks until something
/// arrives. False once the input has ended (end of file or a read error).
bool read_stdin(std::string& bytes, bool wait);

/// Standard input and output are both terminals: a person is typing (under ctest or a pipe
/// the emulator never waits on stdin unless `--uart-rx -` asks for it).
bool stdin_is_interactive();

}  // namespace esp_blink::emu
