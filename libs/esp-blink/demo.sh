#!/usr/bin/env bash
# esp-blink's part of `make demo`: run the real firmware images on the emulated ESP32-C3.
# Usage: libs/esp-blink/demo.sh HOST_BUILD_DIR   (e.g. build/release; firmware from build/esp32c3)
set -euo pipefail
cd "$(dirname "$0")/../.."
host=${1:-build/release}
emu="$host/bin/esp-blink-emu"
fw=${ESP_BLINK_FIRMWARE_DIR:-build/esp32c3/bin}
for f in "$emu" "$fw/hello.bin" "$fw/blink.bin" "$fw/i2c.bin" "$fw/rgb.bin" "$fw/trap.direct.bin" \
    "$fw/spi_display.bin" "$fw/usb_hello.bin" "$fw/pwm_fade.bin" "$fw/adc_read.bin"; do
  [ -e "$f" ] || { echo "esp-blink demo: missing $f (build the host and esp32c3 presets)"; exit 1; }
done

echo "-- hello.bin (app image) on the emulated chip; UART0 says:"
"$emu" --quiet "$fw/hello.bin" | sed 's/^/   | /'

echo
echo "-- blink.bin for 5 s of virtual time; GPIO8 timeline:"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$emu" --trace-gpio --max-time-ms 5000 --vcd "$fw/blink.vcd" "$fw/blink.bin" 2>"$log" >/dev/null
grep -E 'gpio8 ->' "$log" | sed -E 's/esp-blink-emu: (gpio8 -> [01]) at ([0-9.]+) s \(instruction ([0-9]+)\)/   \2 s  \1  (instruction \3)/'
awk '/gpio8 -> 1/ { t[n++] = $6 } END {
  if (n > 1) printf "   %d rising edges, mean period %.6f s (target 1 s)\n", n, (t[n-1] - t[0]) / (n - 1) }' "$log"
echo "   VCD for GTKWave: $fw/blink.vcd"

echo
echo "-- i2c.bin reads a TMP102 on I2C0; with the simulated sensor at 0x48 set to 23.75 C:"
"$emu" --quiet --i2c-device tmp102@0x48=23.75 "$fw/i2c.bin" | sed 's/^/   | /'
echo "   and with no sensor attached:"
set +e
"$emu" --quiet "$fw/i2c.bin" 2>/dev/null | sed 's/^/   | /'
set -e

echo
echo "-- rgb.bin drives the WS2812 on GPIO8 through the RMT (red, green, blue, white):"
"$emu" --trace-gpio "$fw/rgb.bin" 2>&1 >/dev/null | awk '
  /gpio8 -> 1/ { n++ }
  /halted/ { sub(/.*esp-blink-emu: /, ""); sub(/, first UART byte.*/, ""); last = $0 }
  END { printf "   %d WS2812 bits on GPIO8 (%d frames of 24); %s\n", n, n / 24, last }'

echo
echo "-- spi_display.bin draws on an SSD1306 (128x64, SPI2 at 10 MHz, D/C on GPIO4):"
"$emu" --quiet --display ssd1306 --display-png "$fw/spi_display.png" "$fw/spi_display.bin" \
  2>/dev/null | sed 's/^/   | /'
echo "   what the panel shows (PNG, 4x scale): $fw/spi_display.png"

echo
echo "-- usb_hello.bin prints over the USB-Serial-JTAG console:"
"$emu" --quiet "$fw/usb_hello.bin" | sed 's/^/   | /'

echo
echo "-- pwm_fade.bin fades GPIO5 with the LEDC (1 kHz, 10-bit duty, up over 1 s, down over 0.5 s):"
"$emu" --trace-gpio --vcd "$fw/pwm_fade.vcd" "$fw/pwm_fade.bin" 2>"$log" | sed 's/^/   | /'
awk '/gpio5 -> 1/ { r[n++] = $6 } /gpio5 -> 0/ { if (n > 0) h[n - 1] = $6 - r[n - 1] }
  END { for (i = 99; i < 1000 && i + 1 < n; i += 300)
          printf "   period %4d: duty %5.1f%%\n", i + 1, 100 * h[i] / (r[i + 1] - r[i]) }' "$log"
echo "   PWM waveform (VCD for GTKWave): $fw/pwm_fade.vcd"

echo
echo "-- adc_read.bin reads ADC1 channels 0-4 given 0.5, 0.9, 1.2, 2.2 and 3.0 V:"
"$emu" --quiet --adc 0=0.5,1=0.9,2=1.2,3=2.2,4=3.0 "$fw/adc_read.bin" | sed 's/^/   | /'

echo
echo "-- trap.direct.bin executes an illegal instruction; the firmware's trap report:"
set +e
"$emu" --quiet "$fw/trap.direct.bin" 2>/dev/null | sed '/^$/d; s/^/   | /'
status=${PIPESTATUS[0]}
set -e
echo "   emulator exit status $status (non-zero: the firmware trapped)"

echo
echo "-- sizes (.text + .rodata + .data; Espressif's direct-boot example in brackets):"
python3 libs/esp-blink/tests/check_elf.py "$fw/blink.elf" "$fw/hello.elf" "$fw/i2c.elf" "$fw/rgb.elf" \
  "$fw/spi_display.elf" "$fw/usb_hello.elf" "$fw/pwm_fade.elf" "$fw/adc_read.elf" \
  | sed -E 's|.*/([a-z0-9_]+)\.elf: .*= ([0-9]+) bytes.*|   \1 \2 B|' \
  | sed -E 's/^(   blink .*)/\1   [7,436 B]/; s/^(   hello .*)/\1   [hello_world 10,216 B]/'
