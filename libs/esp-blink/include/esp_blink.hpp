// esp-blink in one include: registers, runtime interface and drivers for the ESP32-C3.
#pragma once

#include <esp_blink/adc.hpp>
#include <esp_blink/clock.hpp>
#include <esp_blink/format.hpp>
#include <esp_blink/gpio.hpp>
#include <esp_blink/hal/concepts.hpp>
#include <esp_blink/hal/spi_device.hpp>
#include <esp_blink/i2c.hpp>
#include <esp_blink/ledc.hpp>
#include <esp_blink/panic.hpp>
#include <esp_blink/reg.hpp>
#include <esp_blink/rng.hpp>
#include <esp_blink/rt.hpp>
#include <esp_blink/spi.hpp>
#include <esp_blink/systimer.hpp>
#include <esp_blink/uart.hpp>
#include <esp_blink/usb_serial_jtag.hpp>
#include <esp_blink/watchdog.hpp>
