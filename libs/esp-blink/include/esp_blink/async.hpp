// The async executor and its awaitables in one include (docs/esp-blink.md, "The executor").
#pragma once

#include <esp_blink/async/executor.hpp>
#include <esp_blink/async/frame_pool.hpp>
#include <esp_blink/async/gpio_edge.hpp>
#include <esp_blink/async/i2c.hpp>
#include <esp_blink/async/isr_channel.hpp>
#include <esp_blink/async/join_select.hpp>
#include <esp_blink/async/platform.hpp>
#include <esp_blink/async/pollable.hpp>
#include <esp_blink/async/signal.hpp>
#include <esp_blink/async/sleep.hpp>
#include <esp_blink/async/task.hpp>
#include <esp_blink/async/uart_rx.hpp>
#include <esp_blink/async/waker.hpp>
