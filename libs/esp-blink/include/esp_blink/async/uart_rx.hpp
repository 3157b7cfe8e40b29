// UART bytes for tasks: the receive interrupt drains the RX FIFO into an isr_channel.
//
//   esp_blink::async::isr_channel<uint8_t, 128> rx;
//   ESP_BLINK_INTERRUPTS({esp_blink::interrupt::source::uart0,
//                         esp_blink::async::on_uart_rx<esp_blink::pac::uart0, rx>}, ...);
//   esp_blink::async::listen_rx<esp_blink::pac::uart0>();
//   uint8_t byte = co_await rx.recv();
//
// The interrupt fires when the FIFO holds more than `full_threshold` bytes or when the line has
// been idle for `idle_bits` bit times with bytes waiting (RX timeout), so a short line arrives
// without waiting for the FIFO to fill. Bytes the channel has no room for are dropped and
// counted (isr_channel::take_dropped): never lost silently.
#pragma once

#include <esp_blink/async/isr_channel.hpp>
#include <esp_blink/uart.hpp>

#include <stdint.h>

namespace esp_blink::async {

/// The UART's interrupt handler: moves every received byte into `Channel`.
template <typename Block, auto& Channel>
void on_uart_rx() {
  const uart::port<Block> port;
  uint8_t byte = 0;
  while (port.try_read_byte(byte)) Channel.try_push(byte);
  Block::int_clr::write(Block::int_clr::rxfifo_full_int_clr::template value<1>(),
                        Block::int_clr::rxfifo_tout_int_clr::template value<1>());
}

/// Enables the RX FIFO-full and RX-timeout interrupts.
template <typename Block>
void listen_rx(uint32_t full_threshold = 16, uint32_t idle_bits = 10) {
  Block::conf1::modify(Block::conf1::rxfifo_full_thrhd::dynamic(full_threshold),
                       Block::conf1::rx_tout_en::template value<1>());
  Block::mem_conf::modify(Block::mem_conf::rx_tout_thrhd::dynamic(idle_bits));
  Block::int_clr::write(Block::int_clr::rxfifo_full_int_clr::template value<1>(),
                        Block::int_clr::rxfifo_tout_int_clr::template value<1>());
  Block::int_ena::modify(Block::int_ena::rxfifo_full_int_ena::template value<1>(),
                         Block::int_ena::rxfifo_tout_int_ena::template value<1>());
}

}  // namespace esp_blink::async
